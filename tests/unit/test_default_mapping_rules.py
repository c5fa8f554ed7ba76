"""Whether a mapping is the project's own default (``data_access.sources.is_default_mapping``),
asked on every read of a page (issue 12: it resolved both paths through the file system each
time, 7-20 lookups a run): another name of the same file is the default, a copy is not,
and the default path itself is known without a lookup."""

from pathlib import Path


def test_the_default_mapping_is_known_without_the_file_system(monkeypatch, tmp_path):
    from data_access import sources

    default = sources.DEFAULT_MAPPING_PATH
    link = tmp_path / "link.yaml"
    link.symlink_to(default)
    copy = tmp_path / "copy.yaml"
    copy.write_bytes(default.read_bytes())
    assert sources.is_default_mapping(link)  # another name of the same file
    assert sources.is_default_mapping(default.parent / ".." / default.parent.name / default.name)
    assert not sources.is_default_mapping(copy)  # a deployment's own file, same content
    assert not sources.is_default_mapping(tmp_path / "missing.yaml")

    def no_lookup(self: Path, strict: bool = False) -> Path:
        raise AssertionError("resolved the path")

    monkeypatch.setattr(Path, "resolve", no_lookup)
    assert sources.is_default_mapping(default)
