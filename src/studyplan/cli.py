"""The command line: parse options, call one use case (`study*`), print its view.

It imports only the use cases, the views and the core's option types; the store, the
planner and the renderers stay behind the use cases (tests/test_layers.py checks this).
Heavy modules (SQLAlchemy, Alembic, Jinja2) are imported inside the commands that need
them, so `studyplan --help` starts fast.
"""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path

import click

from studyplan import __version__
from studyplan.dates import parse_date
from studyplan.errors import StudyplanError
from studyplan.layout import plural, wrap
from studyplan.plan import DEFAULT_MINUTES_PER_DAY, MINUTES_RANGE, Request
from studyplan.terminal import progress_bars, terminal_width
from studyplan.text import one_line, terminal


def _date_option(ctx, param, value):
    if value is None:
        return None
    try:
        return parse_date(value, f"--{param.name.replace('_', '-')}")
    except StudyplanError as exc:
        raise click.BadParameter(str(exc).split(": ", 1)[1], ctx=ctx, param=param) from None


def _db_option(ctx, param, value):
    if value is not None and not value.strip():
        raise click.BadParameter("is empty: give a database file or URL, or leave --db out for the default",
                                 ctx=ctx, param=param)
    return value


class StudyplanGroup(click.Group):
    """A group that turns every runtime failure into one line on stderr and exit 1."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.Abort):
            raise
        except StudyplanError as exc:
            raise click.ClickException(one_line(str(exc))) from None
        except BrokenPipeError:
            sys.stderr.close()
            raise click.exceptions.Exit(1) from None
        except KeyboardInterrupt:
            click.echo("interrupted; everything already saved is kept", err=True)
            raise click.exceptions.Exit(130) from None
        except click.ClickException as exc:
            vars(exc)["message"] = one_line(exc.message)  # an option's value may be hostile text too
            raise
        except Exception as exc:  # the last guard: never a traceback for a user
            from studyplan.workspace import describe_error

            raise click.ClickException(one_line(describe_error(exc, getattr(ctx.obj, "db", None)))) from None
        finally:
            workspace = ctx.obj
            if workspace is not None and hasattr(workspace, "close"):
                workspace.close()


pass_workspace = click.make_pass_decorator(object)


@click.group(cls=StudyplanGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", envvar="STUDYPLAN_DB", metavar="PATH-or-URL", callback=_db_option,
              help="Database file or SQLAlchemy URL [env STUDYPLAN_DB; default: studyplan.db in the app folder].")
@click.option("--decks", envvar="STUDYPLAN_DECKS", metavar="DIR",
              help="Folder of exam decks [env STUDYPLAN_DECKS; default: the shipped decks].")
@click.option("--today", envvar="STUDYPLAN_TODAY", metavar="YYYY-MM-DD", callback=_date_option,
              help="Act as on this day [env STUDYPLAN_TODAY].")
@click.option("--learner", envvar="STUDYPLAN_LEARNER", default="default", show_default=True,
              help="Learner name on a shared database [env STUDYPLAN_LEARNER].")
@click.version_option(__version__, prog_name="studyplan")
@click.pass_context
def cli(ctx, db, decks, today, learner):
    """Plan and study for ML engineering certification exams with spaced repetition."""
    from studyplan.workspace import Workspace

    ctx.obj = Workspace(db=db, decks=decks, today=today or date.today(), learner=learner)
    ctx.with_resource(progress_bars())  # a first sync or an import: a bar on a terminal's stderr


# ---------------------------------------------------------------- exams and decks


@cli.command()
@click.argument("exam", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_workspace
def exams(ws, exam, fmt):
    """List the exams with their facts and card counts, or one exam's domains."""
    from studyplan.views import exam_detail, exam_record, exams_table

    if fmt == "json":
        import json

        records = (exam_record(ws.exam(exam), ws.today, domains=True) if exam else
                   [exam_record(e, ws.today) for e in sorted(ws.catalog.exams.values(), key=lambda e: (e.kind != "exam", e.id))])
        click.echo(json.dumps(records, indent=2))
    elif exam:
        click.echo(exam_detail(ws.exam(exam), ws.today, terminal_width()))
    else:
        click.echo(exams_table(ws.catalog, ws.today, terminal_width()))


@cli.group()
def decks():
    """Check, sync and import decks."""


@decks.command("path")
@pass_workspace
def decks_path(ws):
    """Print your own decks folder (made if missing): its files overlay the shipped decks.

    Put an exam folder there (exam.toml and NN-<domain>.toml files) to add an exam, or a
    file named like a shipped one (my-decks/google-pmle/03-....toml) to replace it. With
    --decks, that folder is printed instead.
    """
    from studyplan.study_cards import my_decks_folder

    click.echo(str(my_decks_folder(ws)))


@decks.command("check")
@click.option("--stale", "stale_days", type=click.IntRange(min=0), metavar="DAYS",
              help="Also list exam domains verified more than DAYS days ago, or never.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@pass_workspace
def decks_check(ws, stale_days, strict):
    """Report every problem in the decks folder as FILE:LINE: message (errors exit 1;
    warnings, marked 'warning:', exit 0 unless --strict)."""
    from studyplan.study_cards import check_decks
    from studyplan.views import stale_text

    report = check_decks(ws, stale_days)
    for problem in report.problems + report.warnings:
        click.echo(str(problem))
    if report.stale is not None and stale_days is not None:
        click.echo(stale_text(report.stale, stale_days, terminal_width()))
    if report.problems or (strict and report.warnings):
        raise click.ClickException(f"{plural(len(report.problems), 'problem')}, {plural(len(report.warnings), 'warning')} "
                                   f"in {report.folder}")
    click.echo(wrap(f"ok: {plural(report.decks, 'deck')}, {plural(report.cards, 'card')}, "
                    f"{plural(report.courses, 'course')} in {report.folder}"
                    + (f", {plural(len(report.warnings), 'warning')}" if report.warnings else ""), terminal_width()))


@decks.command("sync")
@pass_workspace
def decks_sync(ws):
    """Bring the database in line with the decks (idempotent, one transaction)."""
    from studyplan.study_cards import sync_decks

    result = sync_decks(ws)
    # The folders on a line of their own: a long path must not split the counts; the
    # shipped decks are named, not shown by their install path.
    click.echo(wrap(f"synced {ws.decks_label}:", terminal_width()))
    click.echo(f"  {result.added} added, {result.updated} updated, "
               f"{result.retired} retired, {result.restored} restored, {result.unchanged} unchanged")


@decks.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--exam", required=True, help="Exam id the cards belong to.")
@click.option("--domain", required=True, help="Domain id within the exam.")
@pass_workspace
def decks_import(ws, file, exam, domain):
    """Import Anki's plain-text export (tab or comma separated) into an exam's domain."""
    from studyplan.study_cards import import_anki

    report = import_anki(ws, file, exam, domain)
    click.echo(f"imported {plural(report.added, 'card')} into {exam}/{domain} from {file.name}; "
               f"{report.present} already present")



@cli.command()
@click.option("--cloud", type=click.Choice(["gcp", "aws", "azure", "databricks", "none"]), help="Your team's main platform.")
@click.option("--employer", type=click.Choice(["enterprise", "consulting", "cloud-vendor", "startup", "midsize-product", "research-lab"]),
              metavar="KIND", help="The kind of employer you work for or target: enterprise, consulting, cloud-vendor, "
                                   "startup, midsize-product or research-lab.")
@click.option("--production-years", type=click.FloatRange(min=0), help="Years of production ML engineering experience.")
@click.option("--employer-pays/--self-funded", default=None, help="Whether your employer pays for the exam.")
@click.option("--role", type=click.Choice(["engineering", "research"]), help="The role you are aiming for.")
@click.option("--ml-knowledge/--no-ml-knowledge", default=None, help="Have you trained and evaluated ML models before?")
@pass_workspace
def advise(ws, cloud, employer, production_years, employer_pays, role, ml_knowledge):
    """Should you certify, and which exam? The article's guidance as a short questionnaire."""
    from studyplan import study
    from studyplan.advice import CLOUDS, EMPLOYERS, ROLES, Answers
    from studyplan.views import advice_text

    interactive = sys.stdin.isatty()
    def ask(value, name, prompt, **kw):
        if value is not None:
            return value
        if not interactive:
            raise click.UsageError(f"{name} is required when standard input is not a terminal")
        return click.prompt(prompt, **kw)

    answers = Answers(
        cloud=ask(cloud, "--cloud", "Main cloud platform", type=click.Choice(CLOUDS)),
        employer=ask(employer, "--employer", "Employer type", type=click.Choice(EMPLOYERS)),
        production_years=ask(production_years, "--production-years", "Years of production ML experience", type=click.FloatRange(min=0)),
        employer_pays=ask(employer_pays, "--employer-pays or --self-funded", "Does your employer pay for the exam?", type=bool),
        role=ask(role, "--role", "Role you are aiming for", type=click.Choice(ROLES)),
        ml_knowledge=ask(ml_knowledge, "--ml-knowledge or --no-ml-knowledge", "Have you trained and evaluated ML models before?", type=bool),
    )
    report = study.advise(ws, answers)
    click.echo(terminal(advice_text(report.advice, report.exam_name, terminal_width())))



# ---------------------------------------------------------------- plan


def _date_list(ctx, param, value):
    if not value:
        return ()
    try:
        return tuple(sorted({parse_date(v, "--off") for v in value.split(",") if v.strip()}))
    except StudyplanError as exc:
        raise click.BadParameter(str(exc).split(": ", 1)[1], ctx=ctx, param=param) from None


def _weekdays(ctx, param, value):
    from studyplan.study import parse_weekdays

    if not value:
        return ()
    try:
        return parse_weekdays(value, f"--{param.name.replace('_', '-')}")
    except StudyplanError as exc:
        raise click.BadParameter(str(exc).split(": ", 1)[1], ctx=ctx, param=param) from None


def _plan_refusal(exc, command: str) -> StudyplanError:
    """A refusal whose remedies are whole commands the learner can type."""
    if not exc.remedies:
        return StudyplanError(str(exc))
    tries = "; ".join(f"{option} ({why})" for option, why in exc.remedies)
    return StudyplanError(f"{exc.reason} Each of these fits, added to the same '{command}' command: {tries}.")


@cli.group()
def plan():
    """Create and show the day-by-day study plan."""


@plan.command("create")
@click.option("--exam", required=True, help="Exam id (see 'studyplan exams').")
@click.option("--background", type=click.Choice(["experienced", "pivoting"]), required=True,
              help="experienced: working ML knowledge (4-8 weeks); pivoting: new to ML (3-6 months).")
@click.option("--start", callback=_date_option, metavar="YYYY-MM-DD", help="First study day [default: today].")
@click.option("--exam-date", callback=_date_option, metavar="YYYY-MM-DD",
              help="The booked exam date [default: the first date in the range where the work fits].")
@click.option("--minutes-per-day", type=click.IntRange(*MINUTES_RANGE), default=DEFAULT_MINUTES_PER_DAY,
              show_default=True)
@click.option("--days", default="mon,tue,wed,thu,fri,sat,sun", show_default=True, callback=_weekdays,
              help="Study weekdays, comma separated.")
@click.option("--off", callback=_date_list, metavar="DATE,...", help="Days off, comma separated.")
@click.option("--long-days", callback=_weekdays, metavar="DAY,...",
              help="Weekdays with room for a whole timed practice exam on top of the usual minutes (e.g. sat).")
@click.option("--new-cards", "new_cards", type=click.IntRange(min=0), metavar="N",
              help="Plan at most N of the exam's cards, each domain's share following its exam weight.")
@click.option("--skip-course", "skip_courses", multiple=True, metavar="ID", help="Leave out a course (repeatable).")
@click.option("--force", is_flag=True, help="Accept an exam date outside the recommended range.")
@click.option("--yes", is_flag=True, help="Replace an existing plan without asking.")
@pass_workspace
def plan_create(ws, exam, background, start, exam_date, minutes_per_day, days, off, long_days, new_cards,
                skip_courses, force, yes):
    """Build the plan from the exam, your background and your dates."""
    from studyplan import study
    from studyplan.plan import PlanError
    from studyplan.plan_views import plan_summary

    current = None if yes else study.active_plan_exam(ws)
    if current is not None:
        question = f"A plan for {one_line(current[0])} (exam on {current[1]}) exists. Replace it?"
        if not sys.stdin.isatty():
            raise StudyplanError("a plan already exists: pass --yes to replace it")
        if not click.confirm(question, default=False):
            raise StudyplanError("kept the existing plan")
    request = Request(background=background, start=start or ws.today, exam_date=exam_date,
                      minutes_per_day=minutes_per_day, study_weekdays=days or tuple(range(7)), days_off=off,
                      long_days=long_days, new_cards_limit=new_cards, skip_courses=tuple(skip_courses), force=force)
    try:
        report = study.create_plan(ws, exam, request)
    except PlanError as exc:
        raise _plan_refusal(exc, "studyplan plan create") from None
    if report.warning:
        click.echo(f"warning: {one_line(report.warning)}", err=True)
    click.echo(plan_summary(report, terminal_width()))
    click.echo("Next: 'studyplan today', 'studyplan review', 'studyplan done',\n      'studyplan calendar -o plan.html'.")


@plan.command("show")
@click.option("--from", "start", callback=_date_option, metavar="YYYY-MM-DD")
@click.option("--to", "end", callback=_date_option, metavar="YYYY-MM-DD")
@click.option("--format", "fmt", type=click.Choice(["table", "md", "csv", "json"]), default="table", show_default=True)
@pass_workspace
def plan_show(ws, start, end, fmt):
    """Show the stored plan, day by day."""
    from studyplan import study
    from studyplan.plan_views import plan_text

    current = study.active_plan(ws)
    if current is None:
        raise StudyplanError(study.NO_PLAN)
    click.echo(plan_text(current, study.plan_labels(ws, current.exam), fmt, start, end, terminal_width()))


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_workspace
def today(ws, fmt):
    """Today's tasks, what is due now, minutes, days left, ahead or behind."""
    import json

    from studyplan import study
    from studyplan.plan_views import today_text

    report = study.today_report(ws)
    click.echo(json.dumps(report.to_dict(), indent=2) if fmt == "json" else today_text(report, terminal_width()))


@cli.command()
@click.option("--course", help="A course id, to check off one whole module (with --module).")
@click.option("--module", type=int, help="The module's number within the course, from 1.")
@pass_workspace
def done(ws, course, module):
    """Check off today's planned course blocks and practice exam (or one module)."""
    from studyplan import study

    report = study.mark_done(ws, course, module)
    if not report.checked and not report.already:
        click.echo(wrap(f"Nothing to check off: the plan has no course block or practice exam on {ws.today} "
                        "(a whole module: studyplan done --course ID --module N).", terminal_width()))
    for name in report.checked:
        click.echo(wrap(one_line(name), terminal_width(), "done: "))
    for name in report.already:
        click.echo(wrap(one_line(name), terminal_width(), "already checked off: "))


@cli.command()
@click.option("--minutes-per-day", type=click.IntRange(*MINUTES_RANGE), help="Change the minutes a day.")
@click.option("--exam-date", callback=_date_option, metavar="YYYY-MM-DD", help="Move the exam (within the range).")
@click.option("--skip-course", "skip_courses", multiple=True, metavar="ID", help="Leave out a course (repeatable).")
@click.option("--new-cards", "new_cards", type=click.IntRange(min=0), metavar="N",
              help="Plan at most N of the exam's cards in all (cards already studied included).")
@click.option("--long-days", callback=_weekdays, metavar="DAY,...", help="Weekdays with room for a practice exam.")
@click.option("--force", is_flag=True, help="Accept an exam date outside the recommended range.")
@pass_workspace
def replan(ws, minutes_per_day, exam_date, skip_courses, new_cards, long_days, force):
    """After missed days (or when ahead): spread what is left over the days left."""
    from studyplan import study
    from studyplan.plan import PlanError
    from studyplan.plan_views import plan_summary

    try:
        report = study.replan(ws, minutes_per_day, exam_date, tuple(skip_courses), new_cards, long_days or None,
                              force)
    except PlanError as exc:
        raise _plan_refusal(exc, "studyplan replan") from None
    click.echo(plan_summary(report, terminal_width()))

# ---------------------------------------------------------------- review


@cli.command()
@click.option("--max", "max_cards", type=click.IntRange(min=1), help="Stop after this many cards.")
@click.option("--domain", help="Only cards of this domain.")
@click.option("--new-only", is_flag=True, help="Only today's new cards.")
@click.option("--reviews-only", is_flag=True, help="Only cards due for review.")
@click.option("--exam", help="Exam for new cards when there is no plan (or to override it).")
@click.option("--drill", is_flag=True, help="Drill cards that are not due, weakest and heaviest domains first "
                                             "(practice: the schedule does not change).")
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text", show_default=True,
              help="jsonl: for scripts and editors, one JSON event per output line (card, answer, graded, "
                   "undone, suspended, where, error, summary); the same actions or JSON like "
                   '{"action": "grade", "grade": 4}; grades only after reveal.')
@pass_workspace
def review(ws, max_cards, domain, new_only, reviews_only, exam, drill, fmt):
    """Today's review session: reveal, grade 0-5, u undo, s suspend, e where, q quit.

    On a terminal single keys act (space or enter reveals); from a pipe, one action per
    line (an empty line reveals). Every grade is saved before the next card shows.
    """
    from studyplan.review_views import summary_text
    from studyplan.study_review import ReviewOptions, finish_report, start_review
    from studyplan.terminal import LineConsole, TerminalConsole, use_colour

    if sum((new_only, reviews_only, drill)) > 1:
        raise click.UsageError("--new-only, --reviews-only and --drill exclude each other")
    start = start_review(ws, ReviewOptions(max_cards, domain, new_only, reviews_only, exam, drill))
    if fmt == "jsonl":
        from studyplan.session_jsonl import JsonlConsole, summary_event

        events = JsonlConsole(start.session, sys.stdin, sys.stdout)
        with _signals_interrupt():
            outcome = events.run()
        events.emit("summary", **summary_event(finish_report(ws, outcome), start.nothing))
        return
    if start.session is None:
        click.echo(start.nothing)
        return
    colour = use_colour()
    console = TerminalConsole(colour) if sys.stdin.isatty() else LineConsole(colour)
    with console, _signals_interrupt():
        outcome = start.session.run(console)
    click.echo(summary_text(finish_report(ws, outcome), terminal_width()))


class _signals_interrupt:
    """SIGTERM and SIGHUP (a closed terminal) end the session like Ctrl-C: cleanly, grades kept."""

    SIGNALS = ("SIGTERM", "SIGHUP")

    def __enter__(self):
        import signal

        def interrupt(signum, frame):
            raise KeyboardInterrupt

        self.saved = {name: signal.signal(getattr(signal, name), interrupt) for name in self.SIGNALS if hasattr(signal, name)}
        return self

    def __exit__(self, *exc):
        import signal

        for name, handler in self.saved.items():
            signal.signal(getattr(signal, name), handler)


@cli.command()
@click.option("--exam", help="Exam to report on [default: the plan's exam].")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_workspace
def stats(ws, exam, fmt):
    """Per-domain progress and readiness, retention, the due forecast and the review heatmap."""
    import json

    from studyplan.stats import stats_json, stats_text
    from studyplan.study_reports import stats_report

    report = stats_report(ws, exam)
    if fmt == "json":
        click.echo(json.dumps(stats_json(report), indent=2))
    else:
        click.echo(stats_text(report, terminal_width()))


def _time_option(ctx, param, value):
    if value is None:
        return None
    from datetime import time

    try:
        if not re.match(r"^\d{2}:\d{2}$", value):
            raise ValueError
        return time.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a time in the form HH:MM", ctx=ctx, param=param) from None


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["html", "md", "txt", "ics"]), default="html", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout).")
@click.option("--from", "start", callback=_date_option, metavar="YYYY-MM-DD")
@click.option("--to", "end", callback=_date_option, metavar="YYYY-MM-DD")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True)
@click.option("--at", callback=_time_option, metavar="HH:MM", help="Study time for calendar events (ics; default all-day).")
@pass_workspace
def calendar(ws, fmt, output, start, end, paper, at):
    """The plan as a printable calendar (html), tables (md, txt) or events for calendar apps (ics)."""
    from studyplan.study_reports import calendar_document, save_calendar

    if output is not None:
        save_calendar(ws, output, fmt, start, end, paper, at)
        click.echo(f"wrote {output}", err=True)
        return
    document = calendar_document(ws, fmt, start, end, paper, at, terminal_width())
    if isinstance(document, bytes):
        sys.stdout.buffer.write(document) if hasattr(sys.stdout, "buffer") else click.echo(document.decode())
    else:
        click.echo(document, nl=not document.endswith("\n"))


@cli.command()
@click.option("--exam", default="google-pmle", show_default=True, help="Exam for the first plan.")
@click.option("--background", type=click.Choice(["experienced", "pivoting"]), default="experienced", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default="studyplan-calendar.html",
              show_default=True, help="Where to write the printable calendar.")
@pass_workspace
def daily(ws, exam, background, output):
    """The daily job: sync decks, make a first plan if none, show today, write the calendar, review."""
    from studyplan import study
    from studyplan.plan_views import today_text
    from studyplan.study_reports import save_calendar

    report = study.daily(ws, exam, background)
    synced = report.synced
    width = terminal_width()
    click.echo(wrap(f"Decks: {report.cards} cards in {report.decks} decks"
                    + (f" ({synced.added} new, {synced.updated} updated)" if synced and synced.changed else "")
                    + f"; database {report.database}", width))
    if report.first_plan is not None:
        first = report.first_plan.plan
        click.echo(wrap(f"Made a first plan: {first.exam} ({background}), exam on {first.exam_date}, "
                        f"{first.minutes_per_day} min a day. Change it with 'studyplan plan create --yes ...'.", width))
    click.echo()
    click.echo(today_text(report.today, width))
    save_calendar(ws, output, "html")
    click.echo(f"\nPrintable calendar: {output.resolve()}")
    if sys.stdin.isatty() and sys.stdout.isatty():
        click.echo("Starting today's review (q quits at any time).")
        ctx = click.get_current_context()
        ctx.invoke(review)
    else:
        click.echo("Run 'studyplan review' in a terminal for today's session.")


@cli.group()
def export():
    """Export data for scripts and other tools."""


@export.command("reviews")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="File to write (default: stdout).")
@pass_workspace
def export_reviews(ws, fmt, output):
    """The whole review history: one record per graded review with the state it produced."""
    from studyplan.study_reports import export_reviews, export_reviews_to

    if output:
        count = export_reviews_to(ws, fmt, Path(output))
        click.echo(f"wrote {plural(count, 'review')} to {output}", err=True)
    else:
        export_reviews(ws, fmt, sys.stdout)


def main() -> None:
    """The console script's entry point."""
    cli(prog_name="studyplan")


from studyplan.cli_admin import backup, cohort, restore  # noqa: E402

cli.add_command(backup)
cli.add_command(restore)
cli.add_command(cohort)

from studyplan.cli_cards import cards, export_anki, import_group  # noqa: E402

cli.add_command(cards)
cli.add_command(import_group)
export.add_command(export_anki)
