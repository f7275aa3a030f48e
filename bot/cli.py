"""The `makker` command: serve, worker, migrate, demo, apikey, chat, intent, webhook-receiver.

This is the composition root, so it alone reaches into flows/, scheduler/ and webhooks/
(imported inside the commands; bot's library modules import none of them).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import uuid
from collections.abc import Iterable, Sequence
from typing import TextIO

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.channels.base import render_sms
from bot.clock import clock_source, local_today, utcnow
from bot.db.engine import make_engine, session_scope
from bot.db.migrate import upgrade
from bot.demo import create_demo, has_any_jobcentre
from bot.models import ChannelKind, Direction, Message
from bot.outbox import Option
from bot.phones import InvalidPhoneNumber, normalise_phone
from bot.settings import Settings, get_settings

log = logging.getLogger("makker")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `makker` console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    settings = get_settings()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    handler = args.handler
    result: int = handler(args, settings)
    return result


def _parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(prog="makker", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="migrate, create demo data if empty, serve HTTP")
    serve.add_argument("--host", default=None, help="interface (default: HOST setting)")
    serve.add_argument("--port", type=int, default=None, help="port (default: PORT setting)")
    serve.set_defaults(handler=_serve)

    worker = commands.add_parser(
        "worker", help="run the scheduler ticks (dispatch, wake-ups, reminders) without HTTP"
    )
    worker.set_defaults(handler=_worker)

    migrate = commands.add_parser("migrate", help="bring the database schema up to date")
    migrate.set_defaults(handler=_migrate)

    demo = commands.add_parser("demo", help="create the demo jobcentre and print its API key")
    demo.set_defaults(handler=_demo)

    apikey = commands.add_parser("apikey", help="create an API key for a jobcentre")
    apikey.add_argument("--jobcentre", type=int, required=True, help="jobcentre id")
    apikey.add_argument("--name", default="case system", help="what the key is for")
    apikey.set_defaults(handler=_apikey)

    chat = commands.add_parser(
        "chat", help="write as a person on the sandbox channel and see what everybody received"
    )
    chat.add_argument("--as", dest="phone", required=True, help="the sender's phone number")
    chat.add_argument(
        "-m", "--message", action="append", help="send this text (repeatable) instead of a prompt"
    )
    chat.add_argument(
        "--at",
        default=None,
        help="start a virtual clock at this Copenhagen time (YYYY-MM-DD HH:MM); lines "
        "/at HH:MM and /wait MINUTES move it and run the scheduler, /press 1 answers a call",
    )
    chat.set_defaults(handler=_chat)

    simulate = commands.add_parser(
        "simulate", help="run a synthetic cohort through the real flows on an accelerated clock"
    )
    simulate.add_argument("--citizens", type=int, default=200, help="cohort size (default 200)")
    simulate.add_argument("--days", type=int, default=30, help="days to simulate (default 30)")
    simulate.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    simulate.set_defaults(handler=_simulate)

    intent = commands.add_parser("intent", help="print the intent Makker reads in a text")
    intent.add_argument("text", nargs="+", help="the text, as a person would write it")
    intent.set_defaults(handler=_intent)

    receiver = commands.add_parser(
        "webhook-receiver",
        help="listen on 127.0.0.1 for signed webhook events, verify and print them",
    )
    receiver.add_argument("--port", type=int, default=9000, help="port (default 9000)")
    receiver.add_argument(
        "--secret",
        default=os.environ.get("WEBHOOK_SECRET"),
        help="the subscription's whsec_… secret (default: the WEBHOOK_SECRET variable)",
    )
    receiver.set_defaults(handler=_webhook_receiver)
    return parser


def _webhook_receiver(args: argparse.Namespace, settings: Settings) -> int:
    """Print every event that verifies; refuse (401) every one that does not."""
    from webhooks.outgoing.receiver import serve
    from webhooks.outgoing.signing import is_valid_secret

    if not args.secret or not is_valid_secret(args.secret):
        print("--secret: give the subscription's whsec_… secret", file=sys.stderr)
        return 2
    serve(args.port, args.secret)
    return 0


def _simulate(args: argparse.Namespace, settings: Settings) -> int:
    """Run the simulation with a progress bar and print its summary."""
    from scheduler.simulate_report import run_with_progress

    if not 1 <= args.citizens <= 100_000 or not 1 <= args.days <= 366:
        print("--citizens must be 1-100000 and --days 1-366", file=sys.stderr)
        return 2
    return run_with_progress(args.citizens, args.days, args.seed)


def _intent(args: argparse.Namespace, settings: Settings) -> int:
    """Show how a text is understood, to check a phrase without a database or a phone."""
    from messages.lexicon import classify

    print(classify(" ".join(args.text)).value)
    return 0


def _engine(settings: Settings) -> Engine:
    """A migrated engine for the configured database."""
    engine = make_engine(settings.database_url, serve=True, pool_size=settings.database_pool_size)
    upgrade(engine)
    return engine


def _migrate(args: argparse.Namespace, settings: Settings) -> int:
    """Apply Alembic migrations."""
    _engine(settings)
    print("database is up to date")
    return 0


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    """Create the demo data unless the database already has a jobcentre."""
    engine = _engine(settings)
    with session_scope(engine) as session:
        if has_any_jobcentre(session):
            print("the database already has data; demo not created", file=sys.stderr)
            return 1
        result = create_demo(session, today=local_today())
    _print_demo(result.api_key)
    return 0


def _print_demo(api_key: str) -> None:
    """How to try the demo, with the key shown this once."""
    print(
        "Demo jobcentre created.\n"
        f"  API key (shown once): {api_key}\n"
        "  Consultant Mette Jensen +4520123401 · employer contact Lars Holm +4520123402\n"
        "  Citizens: Sara +4520123403 (da), Ayşe +4520123404 (tr), John +4520123405 (en),\n"
        "    Amal +4520123406 (ar), Hodan +4520123407 (so), Bilal +4520123408 (ur),\n"
        "    Olena +4520123409 (uk), Zahra +4520123410 (fa)\n"
        "  Try: makker chat --as +4520123404"
    )


def _apikey(args: argparse.Namespace, settings: Settings) -> int:
    """Create and print an API key."""
    from bot.apikeys import create_api_key
    from bot.models import Jobcentre

    engine = _engine(settings)
    with session_scope(engine) as session:
        if session.get(Jobcentre, args.jobcentre) is None:
            print(f"no jobcentre with id {args.jobcentre}", file=sys.stderr)
            return 1
        key = create_api_key(session, jobcentre_id=args.jobcentre, name=args.name)
    print(key)
    return 0


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    """Run the web app with the scheduler beside it."""
    import uvicorn
    from fastapi import FastAPI

    from scheduler.runtime import running
    from webhooks import access_log
    from webhooks.app import create_app

    engine = _engine(settings)
    if settings.demo_data:
        with session_scope(engine) as session:
            result = (
                None if has_any_jobcentre(session) else create_demo(session, today=local_today())
            )
        if result is not None:
            _print_demo(result.api_key)

    def background(app: FastAPI) -> object:
        """The scheduler runs for as long as the server does."""
        return running(engine, settings)

    app = create_app(
        settings,
        engine,
        background=background if settings.scheduler_in_serve else None,  # type: ignore[arg-type]
    )
    access_log.install()  # query strings may carry phone numbers
    uvicorn.run(app, host=args.host or settings.host, port=args.port or settings.port)
    return 0


def _worker(args: argparse.Namespace, settings: Settings) -> int:
    """Run the ticks until SIGINT or SIGTERM; any number of workers may share one database."""
    import signal

    from scheduler.runtime import running

    engine = _engine(settings)

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        async with running(engine, settings):
            log.info("worker running; stop with Ctrl-C or SIGTERM")
            await stop.wait()

    asyncio.run(run())
    return 0


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    """Type as a person; every reply and every message to others is printed."""
    from bot.channels.sandbox import SandboxChannel
    from bot.dispatcher import Dispatcher
    from flows.inbox import Inbound, receive
    from scheduler.chat_clock import ChatClockError, clock_command, parse_moment
    from scheduler.virtual_time import VirtualClock
    from webhooks.outgoing.sender import deliver_due

    try:
        phone = normalise_phone(args.phone, settings.default_region)
        start_at = parse_moment(args.at, utcnow()) if args.at else utcnow()
    except InvalidPhoneNumber as exc:
        print(f"--as: {exc}", file=sys.stderr)
        return 2
    except ChatClockError as exc:
        print(f"--at: {exc}", file=sys.stderr)
        return 2
    engine = _engine(settings)
    sandbox = SandboxChannel()
    dispatcher = Dispatcher(engine, dict.fromkeys(ChannelKind, sandbox), settings)
    lines: Iterable[str] = args.message or _prompt_lines(sys.stdin, phone)
    clock = VirtualClock(start_at)
    with clock_source(clock):
        for text in lines:
            start = _last_message_id(engine)
            if text.strip().startswith("/"):
                try:
                    said = clock_command(text.strip(), engine, clock, phone, dispatcher)
                except ChatClockError as exc:
                    print(f"  ({exc})")
                    continue
                print(f"  [{said}]")
            else:
                receive(
                    engine,
                    Inbound(
                        channel=ChannelKind.SMS,
                        address=phone,
                        text=text,
                        provider_id=f"chat-{uuid.uuid4()}",
                    ),
                )
            asyncio.run(dispatcher.dispatch_once())
            _show_new_messages(engine, start, phone, sys.stdout)
            events = deliver_due(engine)  # signed events to any subscribed case system
            if events:
                print(f"  [webhooks: {events} event delivery attempt(s) to case systems]")
    return 0


def _prompt_lines(stream: TextIO, phone: str) -> Iterable[str]:
    """Lines from the terminal (with a prompt) or from a pipe."""
    interactive = stream.isatty()
    if interactive:
        print(f"Writing as {phone} on the sandbox channel. Ctrl-D to stop.")
    while True:
        if interactive:
            print("> ", end="", flush=True)
        line = stream.readline()
        if not line:
            return
        yield line.rstrip("\n")


def _last_message_id(engine: Engine) -> int:
    """The newest message id, to show only what a turn produced."""
    with Session(engine) as session:
        newest = session.exec(select(Message.id).order_by(col(Message.id).desc())).first()
    return newest or 0


def _show_new_messages(engine: Engine, after: int, phone: str, out: TextIO) -> None:
    """Print the replies to the sender, then what everybody else received."""
    with Session(engine) as session:
        query = (
            select(Message)
            .where(col(Message.id) > after, Message.direction == Direction.OUTBOUND)
            .order_by(col(Message.id))
        )
        messages = list(session.exec(query).all())
    mine = [m for m in messages if m.address == phone]
    others = [m for m in messages if m.address != phone]
    for message in mine:
        print(_indent(_rendered(message), "< "), file=out)
    for message in others:
        header = (
            f"  [to {message.participant_kind} {message.address} · {message.language} · "
            f"{message.kind} · {message.status}]"
        )
        print(header, file=out)
        print(_indent(_rendered(message), "  | "), file=out)
    if not messages:
        print("  (no reply)", file=out)


def _rendered(message: Message) -> str:
    """The message as an SMS would show it."""
    options = tuple(Option(o["value"], o["label"]) for o in message.options or [])
    return render_sms(message.body, options)


def _indent(text: str, prefix: str) -> str:
    """Prefix every line."""
    return "\n".join(prefix + line for line in text.splitlines())
