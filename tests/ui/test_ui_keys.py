"""Every key of the dashboard, pressed through Pilot on the sample run."""

from __future__ import annotations

from textual.widgets import Input
from ui_support import MakeApp, screen_text, settle

from oodatui.rank import POLICIES
from oodatui.ui.screens.bad_lines import BadLinesScreen, BadLinesTable
from oodatui.ui.screens.candidate import CandidateScreen
from oodatui.ui.screens.help import HelpScreen
from oodatui.ui.screens.main import MainScreen
from oodatui.ui.widgets.agent_detail import AgentDetailPane


async def test_number_keys_highlight_candidates_by_rank(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.main.candidates
        for number in (3, 1, 5):
            await pilot.press(str(number))
            assert table.cursor == number - 1
            assert app.main.highlighted is not None
            assert app.main.highlighted.rank == number
        await pilot.press("9")  # only five shown: nothing moves
        assert table.cursor == 4


async def test_arrows_and_vi_keys_move_the_agent_cursor(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        agents = app.main.agents
        assert agents.has_focus
        first = app.main.highlighted_agent
        await pilot.press("down", "j")
        assert agents.cursor == 2
        await pilot.press("k")
        assert agents.cursor == 1
        await pilot.press("up")
        assert app.main.highlighted_agent == first
        await pilot.press("end")
        assert agents.cursor == len(agents.rows) - 1
        await settle(pilot)
        title = str(app.main.query_one(AgentDetailPane).border_title)
        assert agents.rows[-1].agent in title


async def test_tab_and_shift_tab_cycle_the_panes(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        order = ["agents", "agent-detail", "candidates"]
        assert app.focused is not None and app.focused.id == "agents"
        for expected in order[1:] + order[:1]:
            await pilot.press("tab")
            assert app.focused is not None and app.focused.id == expected
        await pilot.press("shift+tab")
        assert app.focused is not None and app.focused.id == "candidates"


async def test_vote_keys_work_from_any_pane(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("tab")  # the agent detail pane
        await pilot.press("2", "a")
        assert app.pending.verdict(app.main.candidates.rows[1].id) == "approve"


async def test_p_cycles_the_policy_named_in_the_title(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        names = list(POLICIES)
        for expected in names[1:] + names[:1]:
            await pilot.press("p")
            await settle(pilot)
            assert app.policy == expected
            assert f"by {expected}" in str(app.main.candidates.border_title)


async def test_enter_opens_the_candidate_and_escape_closes_it(
    make_app: MakeApp,
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CandidateScreen)
        chosen = app.main.candidates.rows[1]
        assert app.screen.candidate == chosen.id
        text = screen_text(app)
        assert f"Candidate {chosen.id}" in text
        assert "answer" in text
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_b_lists_bad_lines_with_file_line_and_reason(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, BadLinesScreen)
        rows = app.screen.query_one(BadLinesTable).rows
        assert [row.where.lineno for row in rows] == [21, 11]
        text = screen_text(app)
        assert "run.jsonl:11" in text and "run.jsonl:21" in text
        assert "not JSON" in text
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_question_mark_lists_every_binding(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for binding in app.BINDINGS:
            description = binding.tooltip or binding.description  # type: ignore[union-attr]
            assert description in text
        for words in ("Up", "Down", "Page up", "Type a reason", "Command palette"):
            assert words in text
        assert "O observe · R orient · D decide · A act" in text  # the legend
        assert "⚠ past 12" in text
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_slash_filters_agents_by_name(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        agents = app.main.agents
        total = len(agents.rows)
        await pilot.press("slash")
        field = app.main.query_one("#filter", Input)
        assert field.has_focus
        await pilot.press(*"solver")
        assert {row.agent for row in agents.rows} == {"solver-1", "solver-2"}
        await pilot.press("-", "2")
        await pilot.pause(0.2)  # well under the once-a-second clock redraw
        detail = app.main.query_one(AgentDetailPane)
        assert str(detail.border_title) == "Agent solver-2"
        await pilot.press("backspace", "backspace")
        await pilot.press("enter")
        assert agents.has_focus and len(agents.rows) == 2
        await pilot.press("escape")
        assert len(agents.rows) == total and not field.has_class("-open")


async def test_q_quits(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert app.stop.is_set()


async def test_every_action_is_in_the_command_palette(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        for words in ("Approve", "Veto", "Withdraw", "policy", "Filter", "Show every"):
            assert any(words in title for title in titles), words
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"next policy", "enter")
        await settle(pilot)
        assert app.policy == list(POLICIES)[1]


async def test_keys_are_declared_once_with_ids(make_app: MakeApp) -> None:
    app = make_app()
    keys = [b.key for b in app.BINDINGS]  # type: ignore[union-attr]
    ids = [b.id for b in app.BINDINGS]  # type: ignore[union-attr]
    assert len(keys) == len(set(keys))
    assert None not in ids and len(ids) == len(set(ids))
