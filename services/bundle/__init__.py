"""Hand-off bundles: one release carried across the air gap, verified before anything is used.

A bundle is one uncompressed tar: the members (session, journal, notes, a ``git bundle``, the
artifacts, and on the way back signatures, checksum files and the provenance index) and, last,
``manifest.json`` listing every member with its size and sha256 (on the way back also signed
with the pinned key). Export hashes while it writes and import while it reads, so each artifact
byte is read once per side. Modules: ``manifest`` (the format), ``tarstream`` (writing and safe
reading), ``gitpart`` (the git bundle), ``crossing`` (journals that cross), ``export`` and
``import_`` (the two commands), ``paths`` (where bundles go).
"""
