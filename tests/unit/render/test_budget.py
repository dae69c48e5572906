from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reconciler.render.budget import Section, fit, size, take


def more(rows: int) -> str:
    return f"… and {rows} more"


def section(name: str, count: int, width: int = 10) -> Section:
    entries = [(1, [f"{name}{i}".ljust(width, ".")]) for i in range(count)]
    return Section([f"## {name}"], entries, ["end"], more, count)


def test_a_section_that_fits_is_whole() -> None:
    fitted = fit([section("a", 3)], 1_000)
    assert fitted.lines == ["## a", "a0........", "a1........", "a2........", "end"]
    assert fitted.used == size(fitted.lines)
    assert not fitted.cut


def test_a_cut_section_ends_with_how_many_rows_it_left_out_and_keeps_its_tail() -> None:
    fitted = fit([section("a", 10)], 50)
    assert fitted.lines == ["## a", "a0........", "a1........", "… and 8 more", "end"]
    assert fitted.used <= 50
    assert fitted.cut


def test_earlier_sections_fill_first_and_later_ones_keep_their_frame() -> None:
    fitted = fit([section("a", 10), section("b", 10)], 80)
    assert fitted.lines == [
        "## a",
        "a0........",
        "a1........",
        "a2........",
        "… and 7 more",
        "end",
        "## b",
        "… and 10 more",
        "end",
    ]


def test_sections_whose_frame_does_not_fit_are_left_out_in_order() -> None:
    later = section("b", 10)
    fitted = fit([section("a", 10), later], 30)
    assert fitted.lines == ["## a", "… and 10 more", "end"]
    assert fitted.left_out == [later]


def test_an_entry_stands_for_its_rows() -> None:
    grouped = Section(["h"], [(4, ["four"]), (1, ["one, which is longer"])], [], more, 5)
    assert fit([grouped], size(["h", "four", "… and 1 more"])).lines == [
        "h",
        "four",
        "… and 1 more",
    ]


def test_take_renders_only_what_can_fit() -> None:
    def endless():  # type: ignore[no-untyped-def]
        index = 0
        while True:
            yield 1, [str(index) * 9]
            index += 1

    assert len(take(endless(), 100)) == 10


@given(
    st.lists(st.tuples(st.integers(0, 30), st.integers(0, 40)), max_size=5),
    st.integers(0, 2_000),
)
def test_never_more_than_the_room_once_the_frames_fit(
    shapes: list[tuple[int, int]], room: int
) -> None:
    sections = [section(f"s{i}", count, width) for i, (count, width) in enumerate(shapes)]
    fitted = fit(sections, room)
    assert fitted.used == size(fitted.lines) <= room
    shown = [s for s in sections if s not in fitted.left_out]
    assert shown == sections[: len(shown)]
