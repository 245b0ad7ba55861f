"""hkscreen screening core: import, rules, engine, store and reports. Never imports Qt."""

# The one place the version is written (pyproject.toml reads it from here): asking the
# installed package metadata instead costs every CLI start 15 ms of importlib.metadata.
__version__ = "0.1.0"
