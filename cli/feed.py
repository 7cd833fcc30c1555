"""``kindred feed``: tools for organisations that publish a feed of groups.

    kindred feed keygen -o PREFIX          writes PREFIX.key (private) and PREFIX.pub (public)
    kindred feed build SOURCE [--format F] [--timezone ZONE] -o feed.json
    kindred feed sign FEED --key PREFIX.key    writes FEED.sig
    kindred feed verify FEED --pub PREFIX.pub
    kindred feed serve DIR [--port P]      a static server on 127.0.0.1, for testing
"""

from __future__ import annotations

import sys

from cli.common import UserFacingError
from services.sync import signing
from services.sync.build import FORMATS, BuildError, build_feed
from services.sync.serve import make_server


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "feed",
        help="publish a feed of groups: keys, signing, verifying, a local test server",
        description="Tools for organisations that publish a feed of groups for Kindred. See docs/publishing.md.",
    )
    commands = parser.add_subparsers(dest="feed_command", metavar="ACTION")
    parser.set_defaults(func=lambda args: _help(parser))

    keygen = commands.add_parser("keygen", help="create a signing key pair: PREFIX.key (private) and PREFIX.pub (public)")
    keygen.add_argument("-o", "--output", required=True, metavar="PREFIX", help="file name prefix, e.g. keys/acme-2026")
    keygen.add_argument("--format", choices=signing.KEY_FORMATS, default="pem", help="private key format (default pem)")
    keygen.set_defaults(func=run_keygen)

    build = commands.add_parser(
        "build", help="make a Kindred feed from a CSV, Meeting Guide JSON or HSDS file (or folder / .zip)"
    )
    build.add_argument("source", metavar="SOURCE", help="your groups: CSV template, Meeting Guide JSON, HSDS JSON, folder or .zip")
    build.add_argument("--format", choices=FORMATS, default="auto", help="SOURCE's format (default: detect it)")
    build.add_argument("--timezone", metavar="ZONE", help="IANA zone for groups whose data gives none, e.g. America/Chicago")
    build.add_argument("--publisher", metavar="NAME", help="publisher name in the feed (default: from SOURCE, else its file name)")
    build.add_argument("-o", "--output", required=True, metavar="FEED", help="the feed file to write, e.g. groups.json")
    build.set_defaults(func=run_build)

    sign = commands.add_parser("sign", help="sign a feed file; writes FEED.sig next to it")
    sign.add_argument("feed", metavar="FEED")
    sign.add_argument(
        "--key", required=True, action="append", metavar="PREFIX.key",
        help="private key; give --key twice to sign with an old and a new key while rotating",
    )
    sign.set_defaults(func=run_sign)

    verify = commands.add_parser("verify", help="check FEED.sig against a public key")
    verify.add_argument("feed", metavar="FEED")
    verify.add_argument("--pub", required=True, metavar="PREFIX.pub", help="the publisher's public key file")
    verify.add_argument("--sig", metavar="FILE", help="signature file (default FEED.sig)")
    verify.set_defaults(func=run_verify)

    serve = commands.add_parser("serve", help="serve a folder on http://127.0.0.1 for testing (ETag, 304, gzip)")
    serve.add_argument("folder", metavar="DIR")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    serve.add_argument("--quiet", action="store_true", help="do not log each request")
    serve.set_defaults(func=run_serve)


def _help(parser) -> int:
    parser.print_help()
    return 0


def run_keygen(args) -> int:
    try:
        pair = signing.generate_keypair(args.output, fmt=args.format)
    except signing.SigningError as error:
        raise UserFacingError(str(error)) from None
    print(f"Private key: {pair.private_path}  (keep it secret; readable only by you)")
    print(f"Public key:  {pair.public_path}  (publish it: subscribers pin it)")
    print(f"Public key text: {pair.public_key}")
    print(f"Fingerprint: {pair.fingerprint}")
    return 0


def run_build(args) -> int:
    try:
        report = build_feed(args.source, args.output, format=args.format, timezone=args.timezone, publisher=args.publisher)
    except BuildError as error:
        raise UserFacingError(f"no feed was written: {error}") from None
    print(f"Wrote {report.output}: {report.groups:,} groups from {report.format}, publisher \u201c{report.publisher}\u201d.")
    if report.skipped:
        print(f"Skipped {len(report.skipped):,} record(s):")
        for where, reason in report.skipped[:50]:
            print(f"  - {where}: {reason}")
        if len(report.skipped) > 50:
            print(f"  \u2026 and {len(report.skipped) - 50:,} more")
    for repair in report.repairs[:50]:
        print(f"  note: {repair}")
    print(f"Next: kindred feed sign {report.output} --key PREFIX.key")
    return 0


def run_sign(args) -> int:
    try:
        out = signing.sign_file(args.feed, args.key)
    except signing.SigningError as error:
        raise UserFacingError(str(error)) from None
    print(f"Signed {args.feed} -> {out}")
    print("Upload both files together, the feed first and then the signature.")
    return 0


def run_verify(args) -> int:
    try:
        fp = signing.verify_file(args.feed, args.pub, args.sig)
    except signing.BadSignature as error:
        raise UserFacingError(f"NOT VERIFIED: {error}", exit_code=2) from None
    except signing.SigningError as error:
        raise UserFacingError(str(error)) from None
    print(f"Verified: {args.feed} is signed by the key {fp}.")
    return 0


def run_serve(args) -> int:
    try:
        server = make_server(args.folder, port=args.port, quiet=args.quiet)
    except NotADirectoryError:
        raise UserFacingError(f"{args.folder} is not a folder.") from None
    except OSError as error:
        raise UserFacingError(f"could not listen on 127.0.0.1:{args.port}: {error.strerror or error}") from None
    host, port = server.server_address[:2]
    print(f"Serving {args.folder} at http://{host}:{port}/  (this device only; press Ctrl-C to stop)", flush=True)
    print("Private keys (*.key) are never served.", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    sys.stdout.flush()
    return 0
