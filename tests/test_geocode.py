"""The geocoding cache, the geopy adapter and ``clinic-directory geocode``.

No test reaches the network: the command takes a dict-backed fake geocoder, and
the real Nominatim adapter is pointed at a local HTTP server.
"""

from __future__ import annotations

import json

import pytest
from geopy.exc import GeocoderServiceError
from geopy.location import Location
from hypothesis import given
from hypothesis import strategies as st
from maintainer_records import write_record

from clinic_directory import cli
from clinic_directory.commands import geocode as geocode_command
from clinic_directory.errors import ConfigurationError, GeocodingError
from clinic_directory.records.geocode import (
    USER_AGENT_ENV,
    GeocodeCache,
    address_key,
    fill_cache,
    geopy_geocoder,
    one_line_query,
    structured_query,
)
from clinic_directory.records.validate import validate_paths

AUSTIN = {
    "street": "77 Juniper Row, Suite 4",
    "city": "Austin",
    "state": "TX",
    "postal_code": "78701",
}
DALLAS = {"street": "5 Pecan Court", "city": "Dallas", "state": "TX", "postal_code": "75201"}


class FakeGeocoder:
    """Answers from a table keyed by street; remembers every query it was sent."""

    def __init__(self, answers: dict[str, tuple[float, float]]) -> None:
        self.answers = answers
        self.queries: list[dict[str, str]] = []

    def __call__(self, query: dict[str, str]) -> Location | None:
        self.queries.append(query)
        found = self.answers.get(query["street"])
        return Location(query["street"], found, {}) if found else None


def run_geocode(arguments: list[str], geocoder: FakeGeocoder) -> int:
    args = cli.build_parser().parse_args(["geocode", *arguments])
    return geocode_command.run(args, geocode=geocoder)


# -- the cache ----------------------------------------------------------------------


def test_address_key_ignores_case_and_spacing():
    messy = {**AUSTIN, "street": "  77  JUNIPER Row,  Suite 4 ", "city": "austin"}
    assert address_key(messy) == address_key(AUSTIN) == "77 juniper row, suite 4, austin, tx, 78701"


@given(
    st.permutations(
        [
            (AUSTIN, 30.2672, -97.7431),
            (DALLAS, 32.7767, -96.797),
            ({**DALLAS, "street": "1 Elm St"}, 32.78, -96.8),
        ]
    )
)
def test_cache_bytes_do_not_depend_on_insertion_order(entries):
    in_order, shuffled = GeocodeCache(), GeocodeCache()
    for address, lat, lon in sorted(entries, key=lambda entry: entry[0]["street"]):
        in_order.set(address, lat, lon)
    for address, lat, lon in entries:
        shuffled.set(address, lat, lon)
    assert shuffled.dumps() == in_order.dumps()


def test_cache_is_sorted_readable_json_that_loads_back(tmp_path):
    cache = GeocodeCache()
    cache.set(DALLAS, 32.77671234567, -96.797)
    cache.set(AUSTIN, 30.2672, -97.7431)
    path = tmp_path / "geocode-cache.json"
    cache.save(path)

    text = path.read_text(encoding="utf-8")
    assert list(json.loads(text)) == sorted([address_key(AUSTIN), address_key(DALLAS)])
    assert text.endswith("}\n") and '\n  "77 juniper row' in text
    assert GeocodeCache.load(path).get(DALLAS) == (32.776712, -96.797)


# -- a committed cache is input: its mistakes are problems, never a crash -------------------

KEY = "77 juniper row, suite 4, austin, tx, 78701"


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ('{\n  "' + KEY + '": {"lat": 30.2, "lon": -97.7}\n', (3, 1), "is not valid JSON"),
        ("[1, 2]\n", (1, 1), "must be a JSON object of address: {lat, lon} entries"),
        (
            '{\n  "' + KEY + '": [30.2, -97.7]\n}\n',
            (2, 3),
            f'the entry for \'{KEY}\' must be {{"lat": number, "lon": number}}',
        ),
        (
            '{\n  "' + KEY + '": {"lat": "30.2", "lon": -97.7}\n}\n',
            (2, 3),
            f"the lat of '{KEY}' must be a number from -90 to 90, got \"30.2\"",
        ),
        (
            '{\n  "' + KEY + '": {"lat": 30.2, "lon": NaN}\n}\n',
            (2, 3),
            f"the lon of '{KEY}' must be a number from -180 to 180, got NaN",
        ),
        (
            '{\n  "' + KEY + '": {"lat": 30.2, "lon": ' + "9" * 5000 + "}\n}\n",
            (2, 3),
            f"the lon of '{KEY}' must be a number from -180 to 180, got NaN",
        ),
        (
            '{\n  "' + KEY + '": {"lat": true, "lon": -97.7}\n}\n',
            (2, 3),
            f"the lat of '{KEY}' must be a number from -90 to 90, got true",
        ),
        ("[" * 100_000 + "]" * 100_000, (1, 1), "nested too deeply"),
        (
            '{\n  "a": {"lat": 1, "lon": 2},\n  "a": {"lat": 1, "lon": 2}\n}\n',
            (3, 3),
            "the entry 'a' appears twice",
        ),
    ],
)
def test_a_broken_cache_file_becomes_problems_at_its_lines(tmp_path, text, where, message):
    path = tmp_path / "geocode-cache.json"
    path.write_text(text, encoding="utf-8")

    cache = GeocodeCache.load(path)

    [problem] = cache.problems(tmp_path)
    assert (problem.path, (problem.line, problem.column)) == ("geocode-cache.json", where)
    assert message in problem.message
    assert "clinic-directory geocode" in problem.hint
    assert cache.get(AUSTIN) is None


def test_good_entries_of_a_broken_cache_are_still_used(tmp_path):
    path = tmp_path / "geocode-cache.json"
    path.write_text(
        json.dumps({KEY: {"lat": 30.2672, "lon": -97.7431}, "x": {"lat": 1}}), encoding="utf-8"
    )

    cache = GeocodeCache.load(path)

    assert cache.get(AUSTIN) == (30.2672, -97.7431)
    assert [issue.message for issue in cache.issues] == [
        'the entry for \'x\' must be {"lat": number, "lon": number}'
    ]


def test_validate_names_the_cache_file_and_the_build_would_stop(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write_record(tmp_path, "clinics/tx/juniper-row.yaml")
    (tmp_path / "geocode-cache.json").write_text(
        '{\n  "' + KEY + '": {"lat": "30.2672", "lon": -97.7431}\n}\n', encoding="utf-8"
    )

    assert cli.main(["validate"]) == 1

    out = capsys.readouterr().out
    assert (
        f"geocode-cache.json:2:3: error: the lat of '{KEY}' must be a number from -90 to 90, "
        'got "30.2672"'
    ) in out
    assert "Traceback" not in out


def test_geocode_refuses_to_rewrite_a_broken_cache(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write_record(tmp_path, "clinics/tx/juniper-row.yaml")
    broken = '{"' + KEY + '": {"lat": "x", "lon": 1}}'
    (tmp_path / "geocode-cache.json").write_text(broken, encoding="utf-8")
    geocoder = FakeGeocoder({AUSTIN["street"]: (30.2672, -97.7431)})

    assert run_geocode([], geocoder) == 1

    assert geocoder.queries == []
    assert (tmp_path / "geocode-cache.json").read_text(encoding="utf-8") == broken
    assert "geocode-cache.json:1:2: error: the lat of" in capsys.readouterr().out


# -- filling it ---------------------------------------------------------------------


def test_fill_cache_looks_up_each_missing_address_once():
    cache = GeocodeCache()
    cache.set(DALLAS, 32.7767, -96.797)
    geocoder = FakeGeocoder({AUSTIN["street"]: (30.2672, -97.7431)})
    records = [("a.yaml", AUSTIN), ("b.yaml", {**AUSTIN, "city": "AUSTIN"}), ("c.yaml", DALLAS)]

    results = list(fill_cache(records, cache, geocoder))

    assert geocoder.queries == [structured_query(AUSTIN)]
    assert [(r.sources, r.location) for r in results] == [
        (["a.yaml", "b.yaml"], (30.2672, -97.7431))
    ]
    assert cache.get(AUSTIN) == (30.2672, -97.7431)


def test_structured_query_asks_for_a_us_address():
    assert structured_query(AUSTIN) == {
        "street": "77 Juniper Row, Suite 4",
        "city": "Austin",
        "state": "TX",
        "postalcode": "78701",
        "country": "us",
    }
    assert (
        one_line_query(structured_query(AUSTIN)) == "77 Juniper Row, Suite 4, Austin, TX 78701, US"
    )


def test_public_nominatim_needs_an_identifying_user_agent():
    with pytest.raises(ConfigurationError, match="identifying user agent"):
        geopy_geocoder("nominatim", user_agent=None)


def test_unknown_geocoder_names_some_known_ones():
    with pytest.raises(ConfigurationError, match=r"unknown geocoder 'nominatimm'.*photon"):
        geopy_geocoder("nominatimm", user_agent="test")


def test_nominatim_adapter_sends_a_structured_query(httpserver):
    httpserver.expect_request(
        "/search",
        query_string={
            "street": "77 Juniper Row, Suite 4",
            "city": "Austin",
            "state": "TX",
            "postalcode": "78701",
            "country": "us",
            "countrycodes": "us",
            "format": "json",
            "limit": "1",
        },
        headers={"User-Agent": "clinic-directory-tests (tests@example.org)"},
    ).respond_with_json([{"lat": "30.2672", "lon": "-97.7431", "display_name": "Austin, TX"}])
    geocoder = geopy_geocoder(
        "nominatim",
        user_agent="clinic-directory-tests (tests@example.org)",
        options={"domain": f"127.0.0.1:{httpserver.port}", "scheme": "http"},
    )

    found = geocoder(structured_query(AUSTIN))

    httpserver.check_assertions()
    assert (found.latitude, found.longitude) == (30.2672, -97.7431)


# -- the command --------------------------------------------------------------------


def test_geocode_fills_only_records_without_coordinates(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write_record(tmp_path, "clinics/tx/juniper-row.yaml")
    write_record(
        tmp_path,
        "clinics/tx/placed.yaml",
        name="Placed Clinic",
        phone="+1 512-555-0177",
        location={"lat": 30.3, "lon": -97.7},
        address={**DALLAS, "city": "Austin"},
    )
    geocoder = FakeGeocoder({AUSTIN["street"]: (30.2672, -97.7431)})

    assert run_geocode([], geocoder) == 0

    assert [query["street"] for query in geocoder.queries] == [AUSTIN["street"]]
    out = capsys.readouterr().out
    assert "clinics/tx/juniper-row.yaml: found 30.2672, -97.7431" in out
    cache = GeocodeCache.load(tmp_path / "geocode-cache.json")
    assert list(cache.entries) == [address_key(AUSTIN)]
    report = validate_paths([tmp_path / "clinics"], root=tmp_path, geocode_cache=cache)
    assert report.errors == []


def test_geocode_skips_addresses_already_cached(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write_record(tmp_path, "clinics/tx/juniper-row.yaml")
    cache = GeocodeCache()
    cache.set(AUSTIN, 30.2672, -97.7431)
    cache.save(tmp_path / "geocode-cache.json")
    geocoder = FakeGeocoder({})

    assert run_geocode([], geocoder) == 0

    assert geocoder.queries == []
    assert "nothing to do" in capsys.readouterr().out


def test_geocode_dry_run_sends_and_writes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write_record(tmp_path, "clinics/tx/juniper-row.yaml")
    geocoder = FakeGeocoder({AUSTIN["street"]: (30.2672, -97.7431)})

    assert run_geocode(["--dry-run"], geocoder) == 0

    assert geocoder.queries == []
    assert not (tmp_path / "geocode-cache.json").exists()
    assert "would look up clinics/tx/juniper-row.yaml: 77 juniper row" in capsys.readouterr().out


def test_geocode_reports_addresses_not_found_and_keeps_the_rest(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write_record(tmp_path, "clinics/tx/juniper-row.yaml")
    write_record(tmp_path, "clinics/tx/pecan-court.yaml", address=DALLAS)
    geocoder = FakeGeocoder({DALLAS["street"]: (32.7767, -96.797)})

    assert run_geocode([], geocoder) == 1

    out = capsys.readouterr().out
    assert "clinics/tx/juniper-row.yaml: no match for '77 juniper row" in out
    assert "add `location: {lat: ..., lon: ...}`" in out
    assert GeocodeCache.load(tmp_path / "geocode-cache.json").get(DALLAS) == (32.7767, -96.797)


def test_geocode_saves_progress_when_the_service_fails(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write_record(tmp_path, "clinics/tx/a-first.yaml", address=DALLAS)
    write_record(tmp_path, "clinics/tx/b-second.yaml")

    def failing_after_dallas(query: dict[str, str]) -> Location | None:
        if query["city"] == "Dallas":
            return Location("Dallas", (32.7767, -96.797), {})
        raise GeocoderServiceError("HTTP Error 503")

    args = cli.build_parser().parse_args(["geocode"])
    with pytest.raises(GeocodingError, match=r"HTTP Error 503.*saved in geocode-cache\.json"):
        geocode_command.run(args, geocode=failing_after_dallas)

    assert GeocodeCache.load(tmp_path / "geocode-cache.json").get(DALLAS) == (32.7767, -96.797)


def test_geocode_refuses_public_nominatim_without_user_agent(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(USER_AGENT_ENV, raising=False)
    write_record(tmp_path, "clinics/tx/juniper-row.yaml")

    assert cli.main(["geocode"]) == 1

    assert "--user-agent" in capsys.readouterr().out
    assert not (tmp_path / "geocode-cache.json").exists()


def test_geocode_reads_the_user_agent_from_the_environment(monkeypatch):
    monkeypatch.setenv(USER_AGENT_ENV, "from-env (ops@example.org)")
    args = cli.build_parser().parse_args(["geocode"])
    assert args.user_agent == "from-env (ops@example.org)"


def test_geocode_rejects_malformed_options(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write_record(tmp_path, "clinics/tx/juniper-row.yaml")
    assert cli.main(["geocode", "--user-agent", "x", "--option", "domain"]) == 1
    assert "must be written KEY=VALUE" in capsys.readouterr().out


def test_geocode_offline_says_so_in_one_line_each_and_writes_no_file(tmp_path, monkeypatch, capsys):
    from geopy.exc import GeocoderUnavailable
    from geopy.extra.rate_limiter import RateLimiter

    monkeypatch.chdir(tmp_path)
    write_record(tmp_path, "clinics/tx/juniper-row.yaml")

    def offline(query: dict[str, str]) -> Location | None:
        raise GeocoderUnavailable("Max retries exceeded with url: /search?street=77+Juniper+Row")

    # As geopy_geocoder builds it, but without the waits.
    limited = RateLimiter(
        offline, min_delay_seconds=0, error_wait_seconds=0, swallow_exceptions=False
    )
    args = cli.build_parser().parse_args(["geocode"])

    with pytest.raises(GeocodingError) as raised:
        geocode_command.run(args, geocode=limited)

    printed = capsys.readouterr()
    assert "Traceback" not in printed.out + printed.err
    assert (
        printed.err.splitlines()
        == [
            "the geocoding service did not answer (GeocoderUnavailable: Max retries exceeded with "
            "url: /search?street=77+Juniper+Row); trying again"
        ]
        * 2
    )
    assert str(raised.value).endswith(
        "check the network connection and run the command again later"
    )
    assert not (tmp_path / "geocode-cache.json").exists()
