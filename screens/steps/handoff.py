"""The hand-off screen (steps ``handoff-out`` and ``handoff-back``): export and import bundles.

Export: what goes into the bundle and how big it is, where to write it (the path the captain
picked last time is remembered on this machine), progress while it is written, and the
fingerprint to compare on the other screen. Import: the bundle is verified in a worker and every
check is shown line by line; only then can the captain use it (ctrl+y). All work runs in thread
workers reporting by messages, through the same services as ``release-console bundle``.

The keys work with the focus in a field, where a terminal and Textual's ``Input`` take most
control keys (ctrl+i is Tab; ctrl+e, ctrl+u and ctrl+v edit the line): Enter in a field does what
its row is for, ctrl+s writes the bundle and ctrl+y uses the verified one, as on the import screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Static

from screens.base import attempt, host_of, said
from screens.bundle_import import HoldsVerifiedBundle
from screens.step import STEP_CSS, Finished, Progress, StepScreen
from screens.step_progress import StepProgress
from screens.widgets import TickBox, TypedField
from services import workstation
from services.errors import ConsoleError
from services.progress import ProgressEvent
from services.step_protocol import Context
from services.step_status import FINISHED
from services.step_status import StepStatus as S


def human(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"

HANDOFF_CSS = Path(__file__).with_name("handoff.tcss")


class HandoffScreen(HoldsVerifiedBundle, StepScreen[Any]):
    # the footer fits 80 columns: ctrl+y is on its button ("Use it (ctrl+y)") and on the line
    # once a bundle is verified
    BINDINGS = [Binding("i", "import_bundle", "Import…"),  # the screen is all about bundles
                Binding("ctrl+s", "export", "Export"),
                Binding("ctrl+y", "use_import", "Use the verified bundle", show=False),
                # Enter (on the box, a button) only says why; n writes the bundle: see below
                Binding("enter", "enter_next", "Next", show=False)]
    CSS_PATH: ClassVar[Any] = [STEP_CSS, HANDOFF_CSS]
    contents: Any = None  # what load_extra found; the list is drawn from it and the box
    exporting = True  # this machine writes this step's bundle (else it imports the other's)
    defaulted = False  # the "without artifacts" box was set to the direction's default
    writes_on_next = False  # n (not Enter) asked to move on: on this step, that writes the bundle

    @dataclass
    class Verified(Message):
        prepared: Any
        lines: Text

    def compose_extra(self) -> ComposeResult:
        # The path first, under the blocker that names it ("where the screen's field says"): at
        # 80x24, under the list of what the bundle holds, it was below the screen's bottom, and
        # the captain pressed ctrl+s not seeing where it writes. Each path on a row of its own:
        # beside the buttons, 80 columns cut off the file name.
        yield TypedField(placeholder="Write the bundle to (e.g. the USB stick)", id="handoff-path")
        with Horizontal(classes="handoff-row", id="handoff-export-row"):
            yield TickBox("without artifacts", id="handoff-without")
            yield Button("Export (ctrl+s)", id="handoff-export", variant="primary",
                         action="screen.export")
        yield TypedField(placeholder="Bundle from the other workstation", id="handoff-import")
        with Horizontal(classes="handoff-row", id="handoff-import-row"):
            yield Button("Verify (Enter)", id="handoff-verify", action="screen.verify_import")
            yield Button("Use it (ctrl+y)", id="handoff-use", disabled=True,
                         action="screen.use_import")
        yield Static("", id="handoff-verified", classes="section")
        yield Static("", id="handoff-contents", classes="section")

    def load_extra(self, ctx: Context) -> Any:
        if ctx.session is None or not workstation.air_gapped(ctx.policy):
            return None
        from services import artifacts
        from services.bundle import paths
        from services.bundle.crossing import step_for
        from services.bundle.export import contents, direction_here
        from services.evidence import HandoffBackEvidence, HandoffOutEvidence

        direction = direction_here(ctx)
        incoming = "to-offline" if direction == "to-online" else "to-online"
        remembered = paths.remembered_dir(ctx)
        sent = ctx.session.evidence(HandoffOutEvidence if direction == "to-offline"
                                    else HandoffBackEvidence, done=True)
        folder = artifacts.display_path(artifacts.artifacts_dir(ctx.policy, ctx.root), ctx.root)
        own = ctx.session.evidence(HandoffOutEvidence if self.step.id == "handoff-out"
                                   else HandoffBackEvidence, done=True)
        return {"items": [(i.name, i.size) for i in contents(ctx)],
                "output": str(paths.default_output(ctx, direction)),
                "incoming": str(remembered / paths.file_name(ctx, incoming)) if remembered
                else "", "direction": direction, "folder": folder,
                "sent": sent.fingerprint if sent is not None else "",
                # where it went, while it is there (reopened later, the screen said only that
                # it "is written", the path gone with the export's message)
                "sent_to": str(paths.written_bundle(ctx, sent.STEP) or "") if sent else "",
                "sent_here": sent is not None and self.step.id == sent.STEP,
                # this step's bundle, from either machine: did it hold the artifacts
                "held": own.artifacts_held() if own is not None else "",
                "own": own.fingerprint if own is not None else "",
                # this machine writes this step's bundle (else it imports the other's)
                "exporting": step_for(direction) == self.step.id}

    def show_extra(self, data: Any) -> None:
        self.contents = data
        # Only what this machine does with this step's bundle: write it (and on one workstation,
        # record that nothing is carried), or, where the other machine writes it, import it.
        exporting = not data or data["exporting"]
        self.exporting = exporting
        # Once this step's bundle is written (or taken) here, the field and button for it only
        # led to "cannot run again" ("imported here already"): what it held stays in the text
        # and the evidence, and o (where it is written) reopens the step to write a new one.
        taken = bool(data and data["own"])
        for part in ("#handoff-path", "#handoff-export-row"):
            self.query_one(part).display = exporting and not taken
        for part in ("#handoff-import", "#handoff-import-row"):
            self.query_one(part).display = not exporting and not taken
        self.query_one("#handoff-verified").display = not exporting
        self.refresh_bindings()
        if data and exporting and not self.defaulted:  # once: a refresh keeps the captain's tick
            self.defaulted = True
            from services.bundle.export import without_by_default

            self.query_one("#handoff-without", Checkbox).value = without_by_default(
                data["direction"])
        self.show_contents()
        if not data:
            return
        path = self.query_one("#handoff-path", Input)
        if not path.value:
            path.value = data["output"]
            # a path longer than the field shows its end (the folder and the file name), not
            # a cut "/home/ana/src/pai/.release/v" (the field scrolls once it is laid out)
            self.call_after_refresh(lambda: path.scroll_to(x=path.max_scroll_x, animate=False,
                                                           immediate=True))
        incoming = self.query_one("#handoff-import", Input)
        if not incoming.value and data["incoming"]:
            incoming.value = data["incoming"]

    @on(Checkbox.Changed, "#handoff-without")
    def show_contents(self) -> None:
        """What the bundle will hold, as the "without artifacts" box is now: ticked, the artifacts
        leave the list and the total, and are named as what to carry beside the bundle. Once
        this machine's bundle is written, what it held is the evidence, not today's files."""
        data = self.contents
        shown = self.query_one("#handoff-contents", Static)
        if not data:
            shown.update(Text(
                'Signing happens on this workstation ([signing] workstation = "this"): nothing '
                "to carry; run the step (r) to record that.", style="dim"))
            return
        where = workstation.bound_for(data["direction"])
        # this step's bundle, written here or imported: whether it held the artifacts
        held = (f"This hand-off's bundle ({data['own']}) {data['held']}.\n"
                if data["held"] and not data["sent_here"] else "")
        held_line = Text(held, style="bold")
        if data["sent"]:
            where_held = ("the evidence below" if data["sent_here"] else
                          "the evidence of the hand-off step that wrote it")
            written = f" and {data['held']}" if data["held"] and data["sent_here"] else ""
            to = f" to {data['sent_to']}" if data["sent_to"] else ""
            shown.update(Text.assemble(held_line, Text(
                f"The bundle for {where} is written{to} (fingerprint {data['sent']}){written}; "
                f"what it held is in {where_held}.", style="bold")))
            return
        without = self.query_one("#handoff-without", Checkbox).value
        kept = [(n, size) for n, size in data["items"]
                if not (without and n.startswith("artifacts/"))]
        text = Text.assemble(held_line, Text(f"The bundle for {where} holds:\n", style="bold"))
        for name, size in kept:
            text.append(f"  {name:<44} {human(size):>10}\n")
        total = sum(size for _, size in kept)
        text.append(f"  {'total (plus the git bundle)':<44} {human(total):>10}\n", style="bold")
        left = [(n.removeprefix("artifacts/"), size) for n, size in data["items"]
                if without and n.startswith("artifacts/")]
        if left and data["direction"] == "to-offline":
            text.append(f"Without artifacts: carry these yourself, into {data['folder']}/ on "
                        "the signing workstation (or name their folder when importing):\n",
                        style="bold yellow")
        elif left:  # the way back: the online machine built them and still has them
            text.append(f"Without artifacts: the online machine's own, in its {data['folder']}/,"
                        " are checked by the import instead:\n", style="bold yellow")
        if left:
            for name, size in left:
                text.append(f"  {name:<44} {human(size):>10}\n")
        shown.update(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Where the other machine writes this step's bundle, writing one here is never offered;
        once it is written (or while it is), ctrl+s greys out like r: it only said "cannot run
        again" (o reopens the step, and ctrl+s writes a new bundle then)."""
        if action == "export":
            if not self.exporting:
                return False
            return not (self.running or self.status in FINISHED) or None
        if action == "redo_step" and not self.exporting:
            # Reopening, here, a bundle the other machine wrote adds an entry its journal never
            # gets: every bundle it writes after that is refused as diverging (walked by hand:
            # the release could then only be abandoned, its tag already made). The machine
            # that wrote the bundle redoes it (its o), before this one imports the new bundle.
            return False
        return super().check_action(action, parameters)

    def action_run_step(self) -> None:
        self.action_export()

    def action_next_step(self) -> None:
        self.writes_on_next = True
        super().action_next_step()

    def action_enter_next(self) -> None:
        """Enter moves on as n does, but never writes the bundle: pressed on the "without
        artifacts" box it would write one the captain meant to change first (Enter in the path
        field writes it, by its own handler)."""
        self.writes_on_next = False
        super().action_next_step()

    def _run_or_say_why(self) -> None:
        """n on the hand-off this machine writes: the step *is* the export, so n writes the
        bundle as ctrl+s does (it only repeated "press ctrl+s", though n runs every other step).
        The screen stays, with the fingerprint to compare; n then opens the next step."""
        if self.writes_on_next and self.exporting and self.next_id == self.step.id \
                and self.status == S.BLOCKED:
            self.action_export()
            return
        super()._run_or_say_why()

    def _hint(self) -> Text:
        """Where this machine writes the bundle, the blocker just above says to press ctrl+s;
        the line below says what it does not: n writes it too, and the screen stays (it said
        "To do:" and the same remedy again)."""
        if self.exporting and self.next_id == self.step.id and self.status == S.BLOCKED:
            return Text("n writes it too; the screen stays, with the fingerprint to compare on "
                        "the other machine.", style="bold")
        return super()._hint()

    @on(Input.Submitted, "#handoff-path")
    def export_on_enter(self) -> None:
        self.action_export()

    @on(Input.Submitted, "#handoff-import")
    def verify_on_enter(self) -> None:
        self.action_verify_import()

    def on_finished(self, message: Finished) -> None:
        """After a bundle is written or used the message line says "Enter: next step", so Enter
        must not go to the form (toggling "without artifacts", writing again). Runs before the
        step screen's own handler. The body takes it, as when the screen opened, so one Tab
        reaches the path field again after o reopens the step (walked at 80x24: from no focus,
        Tab went to the body and the path typed there ran its letters as keys, r writing the
        bundle)."""
        if message.ok:
            self.park_focus()

    def _start(self, text: str) -> bool:
        if self.running:
            self.notify("The hand-off is busy; wait for it to finish.", severity="warning")
            return False
        self.running = True
        self.query_one("#step-message", Static).update(Text(text, style="bold blue"))
        return True

    def _reporting(self, ctx: Context) -> Context:
        """``ctx`` with its progress shown on this screen's bar."""

        def progress(event: ProgressEvent) -> None:
            self.post_message(Progress(event))

        ctx.progress = progress
        return ctx

    def _typed_path(self, field: str, missing: str) -> Path | None:
        """The path typed in ``field`` (``~`` expanded), or None after saying ``missing``."""
        value = self.query_one(field, Input).value.strip()
        if not value:
            self.notify(missing, severity="warning")
            return None
        return Path(value).expanduser()

    def action_export(self) -> None:
        if not self.exporting:  # the other machine writes this step's bundle
            return
        path = self._typed_path("#handoff-path", "Say where to write the bundle.")
        if path is not None and self._start("Writing the bundle…"):
            self._export(path, self.query_one("#handoff-without", Checkbox).value)

    @work(thread=True, exclusive=True, group="step-run")
    def _export(self, output: Path, without: bool) -> None:
        try:
            ctx = self._reporting(host_of(self.app).make_context())
            if not workstation.air_gapped(ctx.policy):
                from services import engine

                engine.run_step(ctx, self.step)
                self.post_message(Finished(True, f"✔ {self.step.title}: nothing to carry."))
                return
            from services.bundle.export import export_bundle

            result = export_bundle(ctx, output.absolute(), without_artifacts=without)
        except ConsoleError as err:
            self.post_message(Finished(False, said(err)))
            return
        self.post_message(Finished(True, f"✔ {result.wrote} ({human(result.size)}). "
                                        f"Fingerprint: {result.fingerprint}"))

    def action_verify_import(self) -> None:
        path = self._typed_path("#handoff-import", "Say which bundle to import.")
        if path is not None and self._start("Verifying the bundle…"):
            self._discard()
            self._verify(path)

    @work(thread=True, exclusive=True, group="step-run")
    def _verify(self, source: Path) -> None:
        from services.bundle.import_ import verify_bundle

        prepared, error = attempt(self.app,
                                  lambda ctx: verify_bundle(self._reporting(ctx), source.absolute()))
        if prepared is None:
            self.post_message(Finished(False, error))
            return
        lines = Text(f"Verified {source.name} — fingerprint {prepared.fingerprint}\n",
                     style="bold")
        for line in prepared.checks:
            lines.append(f"  ✔ {line}\n", style="green")
        self.post_message(self.Verified(prepared, lines))

    def on_handoff_screen_verified(self, message: Verified) -> None:
        self.running = False
        self.query_one(StepProgress).hide()  # it stayed at "Hashing ... 100%" under the lines
        self.prepared = message.prepared
        self.query_one("#handoff-verified", Static).update(message.lines)
        use = self.query_one("#handoff-use", Button)
        use.disabled = False
        use.focus()  # Enter now uses it, as on the import screen
        # The fingerprint is said here, on the line under the body that never scrolls, as on the
        # import screen: at 80x24 the verified lines that carry it start on the body's last row,
        # and one more line above them (a longer blocker, a wrapped path) scrolls them off.
        self.query_one("#step-message", Static).update(Text(
            f"Verified: fingerprint {message.prepared.fingerprint}. Compare it with the other "
            "screen, then use it (Enter or ctrl+y).", style="bold green"))

    def action_use_import(self) -> None:
        if self.prepared is None:
            self.notify("Verify a bundle first (Enter in the bundle field).", severity="warning")
            return
        prepared, self.prepared = self.prepared, None
        self.query_one("#handoff-use", Button).disabled = True
        if self._start("Using the bundle…"):
            self._apply(prepared)

    @work(thread=True, exclusive=True, group="step-run")
    def _apply(self, prepared: Any) -> None:
        from services.bundle.import_ import apply

        _, error = attempt(self.app, lambda ctx: apply(ctx, prepared))
        self.post_message(Finished(False, error) if error else Finished(
            True, f"✔ Imported {prepared.source.name}; the release continues here."))
