"""Shared directory sync: fetching feeds safely, verifying their signatures, applying them.

- ``services.sync.fetch``   — the HTTP client and its rules (https, caps, time-outs, no user data)
- ``services.sync.signing`` — Ed25519 keys and detached feed signatures
- ``services.sync.serve``   — a static server for trying a feed out on this device
"""
