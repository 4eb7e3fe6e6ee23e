#!/usr/bin/env bash
# The first half of `npm test`: the type check and the linters side by side (they use a core each), failing when
# either fails. The README's test command stays under two minutes on a 2-core machine this way.
set -u
npx tsc --noEmit -p . &
tsc=$!
npm run -s lint
lint=$?
wait "$tsc"
typecheck=$?
if [ "$typecheck" -ne 0 ] || [ "$lint" -ne 0 ]; then exit 1; fi
