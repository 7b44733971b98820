"""parse_deploy: every problem with its line, presets, no secrets in the config."""

from __future__ import annotations

from sitegen.content.yamlsrc import load_yaml
from sitegen.deploy.config import parse_deploy


def parse(text: str):
    raw, diags = load_yaml(text, "sitegen.yaml")
    assert diags == []
    return parse_deploy(raw["deploy"], "sitegen.yaml")


def test_valid_targets_with_defaults() -> None:
    targets, diags = parse(
        "deploy:\n"
        "  production:\n"
        "    provider: filebase\n"
        "    bucket: my-journal\n"
        "    mode: car\n"
        "    domain: Journal.Example.org.\n"
        "  local:\n"
        "    provider: s3\n"
        "    endpoint: http://127.0.0.1:9000\n"
        "    bucket: test\n"
        "    prefix: /site/v1/\n"
    )
    assert diags == []
    prod, local = targets["production"], targets["local"]
    assert (prod.provider, prod.bucket, prod.mode, prod.prefix) == (
        "filebase",
        "my-journal",
        "car",
        "",
    )
    assert prod.domain == "journal.example.org"
    assert prod.line == 2
    assert (local.endpoint, local.prefix, local.mode) == (
        "http://127.0.0.1:9000",
        "site/v1/",
        "files",
    )


def test_every_problem_reported_with_its_line() -> None:
    targets, diags = parse(
        "deploy:\n"
        "  prod:\n"
        "    provider: filebsae\n"
        "    bucket: Not_Valid!\n"
        "    mdoe: car\n"
        "    aws_secret_access_key: abc\n"
        "    endpoint: ftp://x\n"
        "  other:\n"
        "    bucket: b1\n"
        "    mode: tar\n"
    )
    assert targets == {}
    text = [d.format() for d in diags]
    assert (
        "sitegen.yaml:3: deploy.prod.provider: unknown provider 'filebsae' (did you mean 'filebase'?); one of 4everland, filebase, storj, s3"
        in text
    )
    assert any(t.startswith("sitegen.yaml:4: deploy.prod.bucket: 'Not_Valid!'") for t in text)
    assert "sitegen.yaml:5: deploy.prod.mdoe: unknown key (did you mean 'mode'?)" in text
    assert any(
        t.startswith("sitegen.yaml:6: deploy.prod.aws_secret_access_key: credentials must not")
        for t in text
    )
    assert "sitegen.yaml:7: deploy.prod.endpoint: must be an http:// or https:// URL" in text
    assert any(t.startswith("sitegen.yaml:8: deploy.other.provider: missing") for t in text)
    assert any(
        t.startswith("sitegen.yaml:10: deploy.other.mode: must be 'files' or 'car'") for t in text
    )
    assert len(diags) == 7


def test_credential_like_keys_and_urls_are_errors() -> None:
    for key in ("access_key", "secret", "token", "password", "key_id", "api_key"):
        _, diags = parse(f"deploy:\n  t:\n    provider: s3\n    bucket: b1\n    {key}: x\n")
        assert [d.field for d in diags] == [f"deploy.t.{key}"], key
        assert "credentials must not be in sitegen.yaml" in diags[0].message
    _, diags = parse(
        "deploy:\n  t:\n    provider: s3\n    bucket: b1\n    endpoint: https://AKIA:s3cr3t@h.example\n"
    )
    assert [d.field for d in diags] == ["deploy.t.endpoint"]
    assert "s3cr3t" not in diags[0].message


def test_car_mode_only_where_supported_and_shapes() -> None:
    _, diags = parse("deploy:\n  t:\n    provider: storj\n    bucket: b1\n    mode: car\n")
    assert [(d.line, d.field) for d in diags] == [(5, "deploy.t.mode")]
    _, diags = parse("deploy: [1, 2]\n")
    assert [d.field for d in diags] == ["deploy"]
    _, diags = parse("deploy:\n  t: just-a-string\n")
    assert [(d.line, d.field) for d in diags] == [(2, "deploy.t")]
    targets, diags = parse(
        "deploy:\n  t:\n    provider: s3\n    bucket: b1\n    domain: not a domain\n"
    )
    assert targets == {} and [d.field for d in diags] == ["deploy.t.domain"]


def test_target_from_url_scheme_picks_the_provider() -> None:
    from sitegen.deploy.config import target_from_url

    t = target_from_url("filebase://my-journal/site/v2/")
    assert t is not None
    assert (t.provider, t.bucket, t.prefix, t.mode) == (
        "filebase",
        "my-journal",
        "site/v2/",
        "files",
    )
    assert target_from_url("s3://b1").prefix == ""  # type: ignore[union-attr]
    assert target_from_url("production") is None
    assert target_from_url("ftp://b1/x") is None
