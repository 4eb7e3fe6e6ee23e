#!/usr/bin/env bash
# The first half of `npm test`: the type check, ESLint and Prettier side by side (two cores), failing when any of them
# fails. Run one after the other they took a third of the README's test command.
set -u
npx tsc --noEmit -p . &
typecheck=$!
npx eslint . &
eslint=$!
npx prettier --check --log-level warn .
prettier=$?
failed=$prettier
wait "$typecheck" || failed=1
wait "$eslint" || failed=1
exit "$failed"
