"""python-site.py PREFIX - where `make install` puts the Python package for this interpreter:
its site-packages folder under PREFIX when it has one (Debian's python3 with PREFIX=/usr/local:
/usr/local/lib/python3.X/dist-packages), else its own site-packages (a pyenv or venv python,
whose sys.path holds no folder under PREFIX), so that `import topictag` works after install."""
import site
import sys
import sysconfig

prefix = sys.argv[1].rstrip("/") + "/"
under = [d for d in site.getsitepackages() if d.startswith(prefix + "lib/")]
print(under[0] if under else sysconfig.get_path("purelib"))
