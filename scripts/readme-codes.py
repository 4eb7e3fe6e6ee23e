# Regenerates the README's table of diagnostic codes from reconciler/diagnostics.ts (python3 scripts/readme-codes.py).
import re
src = open("reconciler/diagnostics.ts").read()
# Prettier writes long entries over two lines and leaves simple keys unquoted; both count.
codes = re.findall(r'^  "?([a-z0-9-]+)"?:\s+"((?:[^"\\\n]|\\.)*)",$', src, re.M)
rows = "\n".join("| `%s` | %s |" % (c, m.replace("|", "\\|")) for c, m in codes)
table = "| code | meaning and fix |\n|---|---|\n" + rows + "\n"
readme = open("README.md").read()
start = readme.index("| code | meaning and fix |")
end = readme.index("\n## ", start)
readme = readme[:start] + table + readme[end:]
open("README.md", "w").write(readme)
print(len(codes), "codes")
