# The table of diagnostic codes moved to docs/reference/diagnostics.md, generated with the other reference pages.
import subprocess, sys
sys.exit(subprocess.call(["npm", "run", "-s", "docs:reference"]))
