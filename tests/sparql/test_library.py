"""Saved questions: the built-in ones read from ontology/queries, the user's own saved atomically in the data folder."""

from __future__ import annotations

import pytest

from explorer.core.errors import ExplorerError
from explorer.sparql import builtin_queries, delete_user_query, save_user_query, user_queries
from explorer.sparql.library import find_saved, parse_header, user_queries_dir


def test_builtin_questions_have_their_header_parsed():
    first = builtin_queries()[0]
    assert first.name == "01-who-performs-disrupted-routines"
    assert first.title == "Who performs the routines this change disrupts?"
    assert first.description.startswith("For each change proposal, the routines it disrupts")
    assert "talk to them before anyone else." in first.description and "#" not in first.description
    assert first.text.startswith("# title:") and "SELECT DISTINCT" in first.text


def test_user_queries_live_in_the_data_folder_and_round_trip(tmp_path, monkeypatch):
    monkeypatch.setenv("ROUTINE_EXPLORER_DATA_DIR", str(tmp_path))
    assert user_queries() == []
    saved = save_user_query(
        "  Units   by readiness ", "SELECT ?u ?r WHERE { ?u rx:readiness ?r } ORDER BY ?r", "Least ready\nfirst."
    )
    assert saved.path.parent == tmp_path / "queries" == user_queries_dir()
    assert (saved.title, saved.description, saved.builtin) == ("Units by readiness", "Least ready first.", False)
    assert [q.path for q in user_queries()] == [saved.path]
    assert not any(p.name.endswith(".rx-saving") for p in saved.path.parent.iterdir())
    # Saving under the same title replaces it, and a header already in the text is not doubled.
    again = save_user_query("Units by readiness", saved.text + "\nLIMIT 5")
    assert again.path == saved.path and again.text.count("# title:") == 1 and again.text.rstrip().endswith("LIMIT 5")
    assert find_saved(again.name) == again
    delete_user_query(again)
    assert user_queries() == [] and not saved.path.exists()


def test_hostile_titles_make_safe_file_names(tmp_path, monkeypatch):
    monkeypatch.setenv("ROUTINE_EXPLORER_DATA_DIR", str(tmp_path))
    saved = save_user_query("../../etc/passwd\n# title: sneaky", "ASK {}")
    assert saved.path.parent == tmp_path / "queries" and ".." not in saved.path.name
    assert saved.title == "../../etc/passwd # title: sneaky"
    assert parse_header(saved.text)[0] == saved.title


def test_empty_title_or_query_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("ROUTINE_EXPLORER_DATA_DIR", str(tmp_path))
    with pytest.raises(ExplorerError, match="title"):
        save_user_query(" \n ", "ASK {}")
    with pytest.raises(ExplorerError, match="empty"):
        save_user_query("Nothing", "# title: x\n\n")
    assert user_queries() == []


def test_builtin_questions_cannot_be_deleted():
    question = builtin_queries()[0]
    with pytest.raises(ExplorerError, match="comes with the app"):
        delete_user_query(question)
    assert question.path.exists()


def test_unreadable_and_huge_files_are_skipped(tmp_path, monkeypatch):
    monkeypatch.setenv("ROUTINE_EXPLORER_DATA_DIR", str(tmp_path))
    folder = tmp_path / "queries"
    folder.mkdir()
    (folder / "bad-bytes.rq").write_bytes(b"# title: \xff\xfe odd\nASK {}")
    (folder / "huge.rq").write_bytes(b"#" * 1_000_001)
    found = user_queries()
    assert [q.name for q in found] == ["bad-bytes"] and "odd" in found[0].title


def test_find_saved_by_number_or_name():
    assert find_saved("07").name == "07-macro-forces-reaching-micro"
    assert find_saved("07-macro-forces-reaching-micro.rq").name == "07-macro-forces-reaching-micro"
    assert find_saved("1") is None  # ambiguous: 10-16
    assert find_saved("") is None


def test_titles_that_make_the_same_file_name_do_not_overwrite_each_other(tmp_path, monkeypatch):
    monkeypatch.setenv("ROUTINE_EXPLORER_DATA_DIR", str(tmp_path))
    titles = ["Кто руководит двумя отделениями?", "誰が二つの部署を率いるか", "Units?", "Units!"]
    saved = [save_user_query(title, f"ASK {{ }} # {n}") for n, title in enumerate(titles)]
    assert len({q.path for q in saved}) == 4
    assert sorted(q.title for q in user_queries()) == sorted(titles)
    # The same title still replaces its own file, whichever name it was given.
    again = save_user_query("Units!", "ASK { ?s ?p ?o }")
    assert again.path == saved[3].path and len(user_queries()) == 4
    assert {q.title: q.text.splitlines()[-1] for q in user_queries()}["Units?"] == "ASK { } # 2"
