"""``agora newsletter``: keep assembled issues, send built issues, manage subscribers.

Every setting of the delivery comes from the environment (see
:mod:`agora.newsletter.config`); the subscribers database from
``AGORA_NEWSLETTER_DB`` (see :mod:`agora.newsletter.store`).
Exit status: 0 done, 1 failed or partly failed (the message says what),
2 usage, 3 declined at the confirmation prompt.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from pathlib import Path
from typing import IO, Any

from agora.newsletter.build_cli import register_build

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_DECLINED = 0, 1, 2, 3
PROG = "agora newsletter"


class SendProgress:
    """``sending 2026-11-20: 120/500``: updated in place on a terminal, a line per batch else."""

    def __init__(self, issue_id: str, stream: IO[str] | None = None):
        self.stream = stream if stream is not None else sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.issue_id = issue_id
        self.shown = False

    def __call__(self, done: int, total: int, end_of_batch: bool) -> None:
        line = f"sending {self.issue_id}: {done}/{total}"
        if self.tty:
            self.stream.write(f"\r\033[K{line}")
            self.stream.flush()
            self.shown = True
        elif end_of_batch or done == total:
            self.stream.write(line + "\n")
            self.stream.flush()

    def close(self) -> None:
        if self.tty and self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


def _fail(command: str, message: object) -> int:
    print(f"{PROG} {command}: {message}", file=sys.stderr)
    return EXIT_FAILED


def confirm(question: str, *, assume_yes: bool, stdin: IO[str] | None = None) -> bool | None:
    """True/False from the operator, or None when no one can answer (not a terminal)."""
    if assume_yes:
        return True
    stream = stdin if stdin is not None else sys.stdin
    if not (hasattr(stream, "isatty") and stream.isatty()):
        return None
    print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
    answer = stream.readline().strip().lower()
    return answer in ("y", "yes", "o", "oui")


# --------------------------------------------------------------------------- send


def cmd_send(args: argparse.Namespace) -> int:
    from agora.newsletter.errors import NewsletterError  # noqa: PLC0415 - keep --help fast
    from agora.newsletter.issue_files import available_issues, load_issue  # noqa: PLC0415

    try:
        wanted = args.issue
        if wanted == "latest":
            built = available_issues(Path(args.output))
            if not built:
                return _fail("send", f"{args.output}: expected a built issue, found none "
                                     "(run make publish)")
            wanted = built[-1]
        issue = load_issue(Path(args.output), wanted)
        languages = _languages(args, issue)
        if args.via == "listmonk":
            if args.test:
                print(f"{PROG} send: --test sends through SMTP; with listmonk, use its own "
                      "test send on the created draft", file=sys.stderr)
                return EXIT_USAGE
            return _send_listmonk(args, issue, languages)
        if args.dry_run:
            return _send_dry_run(args, issue)
        if args.test:
            return _send_test(args, issue, languages)
        if args.lang:
            print(f"{PROG} send: --lang goes with --test or --via listmonk (an SMTP send "
                  "gives each subscriber their own language)", file=sys.stderr)
            return EXIT_USAGE
        return _send_smtp(args, issue)
    except NewsletterError as exc:
        return _fail("send", exc)
    except OSError as exc:  # a folder that cannot be written, a full disk...
        where = f"{exc.filename}: " if exc.filename else ""
        return _fail("send", f"{where}{exc.strerror or exc}")
    except sqlite3.Error as exc:  # recorded deliveries stay; the message says why it stopped
        return _fail("send", f"the subscribers database failed: {exc}")


def _languages(args: argparse.Namespace, issue: Any) -> list[str]:
    from agora.newsletter.errors import NewsletterError  # noqa: PLC0415
    from agora.newsletter.languages import normalize_language  # noqa: PLC0415

    chosen = []
    for code in args.lang or []:
        try:
            lang = normalize_language(code)
        except ValueError as exc:
            raise NewsletterError(f"--lang: expected {exc}") from None
        if lang not in issue.editions:
            raise NewsletterError(f"--lang: expected one of the editions "
                                  f"({', '.join(sorted(issue.editions))}), found {code!r}")
        chosen.append(lang)
    return chosen


def _send_dry_run(args: argparse.Namespace, issue: Any) -> int:
    from agora.newsletter.config import SenderSettings  # noqa: PLC0415
    from agora.newsletter.send import write_dry_run  # noqa: PLC0415
    from agora.newsletter.store import NewsletterStore  # noqa: PLC0415

    sender = SenderSettings.from_env()
    with NewsletterStore.open() as store:
        # Read-only: the preview shows what a real run would refuse, records nothing.
        store.check_issue(issue.id, issue.content_sha256(), issue.content_hashes(), "smtp")
        pending = store.pending(issue.id)
        written = write_dry_run(issue, pending, sender, Path(args.dry_run))
    print(f"{PROG} send: dry run of issue {issue.id}: {len(written)} message(s) written to "
          f"{args.dry_run}, nothing sent, nothing recorded")
    return EXIT_OK


def _smtp_transport() -> Any:
    from agora.newsletter.config import SmtpSettings  # noqa: PLC0415
    from agora.newsletter.send import SmtpTransport  # noqa: PLC0415

    return SmtpTransport(SmtpSettings.from_env())


def _send_test(args: argparse.Namespace, issue: Any, languages: list[str]) -> int:
    from agora.newsletter.config import SenderSettings  # noqa: PLC0415
    from agora.newsletter.privacy import normalize_address  # noqa: PLC0415
    from agora.newsletter.send import send_test  # noqa: PLC0415

    address = normalize_address(args.test)
    if address is None:
        print(f"{PROG} send: --test: expected an address like you@example.org, "
              f"found {args.test!r}", file=sys.stderr)
        return EXIT_USAGE
    sender = SenderSettings.from_env()
    sent = send_test(issue, address, sender, _smtp_transport(), languages)
    print(f"{PROG} send: test copies of issue {issue.id} ({', '.join(sent)}) sent to "
          f"{address}; nothing recorded")
    return EXIT_OK


def _send_smtp(args: argparse.Namespace, issue: Any) -> int:
    from agora.newsletter.config import (  # noqa: PLC0415
        SenderSettings,
        rate_from_env,
        retries_from_env,
    )
    from agora.newsletter.send import IssueSender  # noqa: PLC0415
    from agora.newsletter.store import NewsletterStore  # noqa: PLC0415

    # Every setting is checked before the database is touched or anything is sent.
    sender, transport = SenderSettings.from_env(), _smtp_transport()
    rate, retries = rate_from_env(override=args.rate), retries_from_env()
    with NewsletterStore.open() as store:
        store.check_issue(issue.id, issue.content_sha256(), issue.content_hashes(), "smtp")
        pending = store.pending(issue.id)
        if not pending:
            already = store.delivered_count(issue.id, subscribed_only=True)
            print(f"{PROG} send: nothing to send: all {already} subscribed address(es) "
                  f"already received issue {issue.id}")
            return EXIT_OK
        answer = confirm(f"Send issue {issue.id} to {len(pending)} subscribers?",
                         assume_yes=args.yes)
        if answer is None:
            print(f"{PROG} send: not a terminal: pass --yes to send issue {issue.id} to "
                  f"{len(pending)} subscribers", file=sys.stderr)
            return EXIT_USAGE
        if not answer:
            print(f"{PROG} send: nothing sent", file=sys.stderr)
            return EXIT_DECLINED
        progress = SendProgress(issue.id)
        run = IssueSender(issue, store, sender, transport, rate=rate,
                          batch_size=args.batch_size, reconnect_attempts=retries,
                          progress=progress)
        return _run_sender(run, progress)


def _run_sender(run: Any, progress: SendProgress) -> int:
    from agora.newsletter.errors import NewsletterError  # noqa: PLC0415

    try:
        report = run.run()
    except NewsletterError as exc:
        progress.close()
        print(run.report.summary())
        return _fail("send", f"stopped: {exc}")
    except KeyboardInterrupt:
        progress.close()
        print(run.report.summary())
        print(f"{PROG} send: interrupted; deliveries so far are recorded, run again to "
              "continue", file=sys.stderr)
        return 130
    progress.close()
    print(report.summary())
    return EXIT_FAILED if report.failed else EXIT_OK


def _send_listmonk(args: argparse.Namespace, issue: Any, languages: list[str]) -> int:
    from agora import clock  # noqa: PLC0415
    from agora.newsletter.config import ListmonkSettings, SenderSettings  # noqa: PLC0415
    from agora.newsletter.errors import ConfigError  # noqa: PLC0415
    from agora.newsletter.listmonk import ListmonkClient, hand_off, plan_lists  # noqa: PLC0415
    from agora.newsletter.store import NewsletterStore  # noqa: PLC0415

    settings = ListmonkSettings.from_env()
    sender = SenderSettings.from_env() if os.environ.get("AGORA_NEWSLETTER_FROM") else None
    send_at = None
    if args.send_at:
        try:
            send_at = clock.parse_instant(args.send_at, "--send-at")
        except clock.ClockError as exc:
            raise ConfigError("--send-at", "an ISO date-time with offset in the future",
                              str(exc).split("found ", 1)[-1]) from None
        if send_at <= clock.now():
            raise ConfigError("--send-at", "a date-time in the future", repr(args.send_at))
    plan = plan_lists(issue, settings, languages or sorted(issue.editions))
    if args.dry_run:
        return _listmonk_dry_run(Path(args.dry_run), issue, plan, sender, send_at)
    with NewsletterStore.open() as store:
        store.check_issue(issue.id, issue.content_sha256(), issue.content_hashes(), "listmonk")
        answer = confirm(f"Create {len(plan)} listmonk campaign(s) for issue {issue.id}?",
                         assume_yes=args.yes)
        if answer is None:
            print(f"{PROG} send: not a terminal: pass --yes to hand issue {issue.id} to "
                  "listmonk", file=sys.stderr)
            return EXIT_USAGE
        if not answer:
            return EXIT_DECLINED
        client = ListmonkClient(settings)
        try:
            report = hand_off(issue, store, client, plan, sender, send_at=send_at)
        finally:
            client.close()
    print(report.summary())
    return EXIT_OK


def _listmonk_dry_run(folder: Path, issue: Any, plan: dict[str, list[int]], sender: Any,
                      send_at: Any) -> int:
    import json  # noqa: PLC0415

    from agora.newsletter.listmonk import campaign_payload  # noqa: PLC0415

    folder.mkdir(parents=True, exist_ok=True)
    from_email = sender.display if sender else ""
    for lang, lists in plan.items():
        payload = campaign_payload(issue, issue.editions[lang], lists, send_at=send_at,
                                   from_email=from_email)
        (folder / f"campaign-{lang}.json").write_text(
            json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{PROG} send: dry run of issue {issue.id}: {len(plan)} listmonk campaign "
          f"request(s) written to {folder}, nothing sent, nothing recorded")
    return EXIT_OK


# --------------------------------------------------------------------------- subscribers


def cmd_subscribers(args: argparse.Namespace) -> int:
    from agora.newsletter.errors import NewsletterError  # noqa: PLC0415
    from agora.newsletter.store import NewsletterStore  # noqa: PLC0415

    try:
        with NewsletterStore.open() as store:
            return int(args.subscribers_handler(args, store))
    except NewsletterError as exc:
        return _fail(f"subscribers {args.subscribers_command}", exc)
    except BrokenPipeError:
        # `list | head`: the reader is gone; stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        return _fail(f"subscribers {args.subscribers_command}", f"{where}{exc.strerror}")
    except sqlite3.Error as exc:
        return _fail(f"subscribers {args.subscribers_command}",
                     f"the subscribers database failed: {exc}")


def _import(args: argparse.Namespace, store: Any) -> int:
    from agora.newsletter.subscribers_csv import import_csv  # noqa: PLC0415

    # utf-8-sig: spreadsheets often start their CSV with a byte-order mark.
    with open(args.file, encoding="utf-8-sig", newline="") as stream:
        report = import_csv(store, stream, args.file)
    for line, reason in report.skipped:
        print(f"{args.file}: line {line}: skipped: {reason}", file=sys.stderr)
    print(f"{PROG} subscribers import: {report.summary()}")
    return EXIT_FAILED if report.skipped else EXIT_OK


def _export(args: argparse.Namespace, store: Any) -> int:
    from agora.newsletter.subscribers_csv import export_csv  # noqa: PLC0415

    if not args.file or args.file == "-":
        export_csv(store, sys.stdout, status=args.status, with_tokens=args.with_tokens)
        return EXIT_OK
    path = Path(args.file)
    # The file holds personal data (and maybe tokens): readable by its owner only.
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
        count = export_csv(store, stream, status=args.status, with_tokens=args.with_tokens)
    print(f"{PROG} subscribers export: {count} subscriber(s) written to {path}",
          file=sys.stderr)
    return EXIT_OK


def _add(args: argparse.Namespace, store: Any) -> int:
    from agora.newsletter.privacy import mask_address  # noqa: PLC0415

    subscriber, action = store.add(args.email, name=args.name, language=args.lang)
    if action == "updated" and subscriber.status == "subscribed":
        action = "updated (subscribed)"
    print(f"{PROG} subscribers add: {mask_address(subscriber.email)} {action}")
    return EXIT_OK


def _remove(args: argparse.Namespace, store: Any) -> int:
    from agora.newsletter.privacy import mask_address  # noqa: PLC0415

    if bool(args.email) == bool(args.token):
        print(f"{PROG} subscribers remove: give EMAIL or --token TOKEN (one of them)",
              file=sys.stderr)
        return EXIT_USAGE
    subscriber = store.get(args.email) if args.email else store.by_token(args.token)
    if subscriber is None:
        what = mask_address(args.email.strip().lower()) if args.email else "this token"
        return _fail("subscribers remove", f"expected a known subscriber, found none for {what}")
    was = subscriber.status
    store.set_status(subscriber, "unsubscribed")
    note = "unsubscribed" if was != "unsubscribed" else "was already unsubscribed"
    print(f"{PROG} subscribers remove: {mask_address(subscriber.email)} {note} (kept, so a "
          "re-import does not subscribe it again)")
    return EXIT_OK


def _list(args: argparse.Namespace, store: Any) -> int:
    subscribers = store.subscribers(args.status)
    for s in subscribers:
        print(f"{s.email}\t{s.name}\t{s.language or '-'}\t{s.status}\t{s.created_at}")
    print(f"{len(subscribers)} subscriber(s)", file=sys.stderr)
    return EXIT_OK


# --------------------------------------------------------------------------- status


def cmd_status(args: argparse.Namespace) -> int:
    from agora.newsletter.errors import NewsletterError  # noqa: PLC0415
    from agora.newsletter.privacy import mask_address  # noqa: PLC0415
    from agora.newsletter.store import NewsletterStore  # noqa: PLC0415

    try:
        with NewsletterStore.open() as store:
            delivered = store.delivered_count(args.issue)
            pending = store.pending(args.issue)
            failures = store.failures(args.issue)
            handoffs = store.handoffs(args.issue)
    except NewsletterError as exc:
        return _fail("status", exc)
    if handoffs:
        for handoff in handoffs:
            state = (f"campaign {handoff.campaign_id}" if handoff.campaign_id is not None
                     else "creation interrupted (the next run looks it up)")
            print(f"issue {args.issue} ({handoff.language}): handed to listmonk on "
                  f"{handoff.created_at}: {state}")
        return EXIT_OK
    print(f"issue {args.issue}: delivered {delivered}, still to send {len(pending)}, "
          f"failed last time {len(failures)}")
    for failure in failures:
        print(f"  failed: {mask_address(failure.email)}: {failure.reason} "
              f"({failure.attempts} attempt(s), last {failure.failed_at})")
    return EXIT_OK


# --------------------------------------------------------------------------- parser


def _positive_int(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, found {value!r}")
    return int(value)


def _positive_float(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = 0.0
    if not number > 0 or number == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number above 0, found {value!r}")
    return number


def _register_send(commands: Any) -> None:
    send = commands.add_parser(
        "send", help="send a built issue (SMTP or listmonk), exactly once per subscriber",
        description="Send the built issue ISSUE (output/newsletter/ISSUE/issue.json) to every "
                    "subscribed address that did not get it yet, each in their language. "
                    "Each delivery is recorded as soon as the server accepts it: after a "
                    "crash or failure, run again to continue; a complete run makes the next "
                    "one send nothing. SMTP settings come from the environment only "
                    "(AGORA_SMTP_HOST, AGORA_SMTP_PORT, AGORA_SMTP_SECURITY, AGORA_SMTP_USER, "
                    "AGORA_SMTP_PASSWORD, AGORA_NEWSLETTER_FROM).",
    )
    send.add_argument("issue", metavar="ISSUE",
                      help="issue id, like 2026-11-20, or latest (the newest built issue)")
    send.add_argument("--output", default="output", metavar="DIR",
                      help="the built site's folder (default: output)")
    mode = send.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", metavar="DIR",
                      help="write one .eml per recipient into DIR; send and record nothing")
    mode.add_argument("--test", metavar="ADDRESS",
                      help="send one copy of each edition (or --lang) to ADDRESS; "
                           "record nothing")
    send.add_argument("--lang", action="append", metavar="LANG",
                      help="with --test or --via listmonk: only this edition (repeatable)")
    send.add_argument("--batch-size", type=_positive_int, default=50, metavar="N",
                      help="messages per SMTP connection (default: 50)")
    send.add_argument("--rate", type=_positive_float, metavar="R",
                      help="messages per second (default: AGORA_NEWSLETTER_RATE, else 2)")
    send.add_argument("--via", choices=("smtp", "listmonk"), default="smtp",
                      help="smtp (default) sends here; listmonk creates one draft campaign "
                           "per edition (AGORA_LISTMONK_URL, _USER, _TOKEN, _LISTS)")
    send.add_argument("--send-at", metavar="ISO",
                      help="with --via listmonk: schedule time, like 2026-11-20T08:00:00+01:00")
    send.add_argument("--yes", action="store_true",
                      help="do not ask for confirmation (required when not on a terminal)")
    send.set_defaults(handler=cmd_send)


def _register_subscribers(commands: Any) -> None:
    parser = commands.add_parser(
        "subscribers", help="import, export, add, remove, list subscribers",
        description="Manage the subscribers database (AGORA_NEWSLETTER_DB, default "
                    "~/.local/share/agora/newsletter.sqlite3; never inside the repository or "
                    "output/). Removed addresses are kept as unsubscribed so that a re-import "
                    "does not subscribe them again; only an explicit 'subscribed' status in "
                    "the CSV (or 'add') does.",
    )
    parser.set_defaults(handler=lambda _args: _help(parser))
    sub = parser.add_subparsers(dest="subscribers_command", metavar="COMMAND")
    statuses = ("subscribed", "unsubscribed", "bounced")

    imp = sub.add_parser("import", help="import a CSV (email,name,language,status)",
                         description="Import subscribers from a CSV file with the header "
                                     "email,name,language,status (only email is required). "
                                     "Malformed lines are reported with their line number "
                                     "and skipped; the rest is imported. Exit 1 if any "
                                     "line was skipped.")
    imp.add_argument("file", metavar="FILE.csv")
    imp.set_defaults(handler=cmd_subscribers, subscribers_handler=_import)

    exp = sub.add_parser("export", help="write subscribers as CSV",
                         description="Write subscribers as CSV (the import's columns) to "
                                     "FILE (private to you) or standard output.")
    exp.add_argument("file", nargs="?", metavar="FILE", help="default: standard output")
    exp.add_argument("--status", choices=statuses, help="only subscribers with this status")
    exp.add_argument("--with-tokens", action="store_true",
                     help="add the unsubscribe token column")
    exp.set_defaults(handler=cmd_subscribers, subscribers_handler=_export)

    add = sub.add_parser("add", help="subscribe an address (resubscribes a former one)",
                         description="Subscribe EMAIL, or resubscribe it: an explicit add "
                                     "is a subscription request.")
    add.add_argument("email", metavar="EMAIL")
    add.add_argument("--name", help="the name used in the greeting")
    add.add_argument("--lang", help="language code, like fr or en (default: the site's)")
    add.set_defaults(handler=cmd_subscribers, subscribers_handler=_add)

    rem = sub.add_parser("remove", help="unsubscribe an address (kept as unsubscribed)",
                         description="Mark EMAIL (or the subscriber with --token, as found "
                                     "in an unsubscribe e-mail) unsubscribed.")
    rem.add_argument("email", nargs="?", metavar="EMAIL")
    rem.add_argument("--token", help="the unsubscribe token instead of the address")
    rem.set_defaults(handler=cmd_subscribers, subscribers_handler=_remove)

    lst = sub.add_parser("list", help="list subscribers (tab-separated)",
                         description="List subscribers: email, name, language, status, "
                                     "created.")
    lst.add_argument("--status", choices=statuses, help="only subscribers with this status")
    lst.set_defaults(handler=cmd_subscribers, subscribers_handler=_list)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return EXIT_USAGE


def register_command(commands: Any) -> None:
    parser = commands.add_parser(
        "newsletter", help="keep, send newsletter issues, manage subscribers (network for send)",
        description="Keep an assembled issue, deliver built issues and manage their "
                    "subscribers. "
                    "Settings come from the environment only; see `agora newsletter send "
                    "--help`.",
    )
    parser.set_defaults(handler=lambda _args: _help(parser))
    sub = parser.add_subparsers(dest="newsletter_command", metavar="COMMAND")
    register_build(sub)
    _register_send(sub)
    _register_subscribers(sub)
    status = sub.add_parser("status", help="what was delivered of an issue, what failed",
                            description="Deliveries, addresses still to send and the last "
                                        "failures (masked) of ISSUE.")
    status.add_argument("issue", metavar="ISSUE")
    status.set_defaults(handler=cmd_status)
