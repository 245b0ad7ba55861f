"""hkscreen screening core: import, rules, engine, store and reports. Never imports Qt."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("hkscreen")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+source"
