"""Status (revoked, suspended, unreachable, foreign signer, cache), validity, trust
(registry timeline) and policy (claims, SIREN, assurance) through the pipeline."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.verifier.pipeline.world import (
    BSL_REVOCATION,
    ISSUER,
    MANDATE_CLAIMS,
    NONCE,
    REVOKED_IDX,
    SUSPENDED_IDX,
    TOKEN_LIST,
    VCT_EXECUTIVE,
    VERIFIER,
    World,
)
from verifier.pipeline import VerificationPipeline, VerificationReport, VerifyOptions

BOUND = VerifyOptions(challenge=NONCE, domain=VERIFIER)
REPRESENTATIVE = VerifyOptions(challenge=NONCE, domain=VERIFIER, policy="company-representative")


def _failed(report: VerificationReport) -> set[str]:
    return {c.code for c in report.failed}


def _detail(report: VerificationReport, code: str) -> str:
    return " | ".join(c.detail for c in report.failed if c.code == code)


# -- status -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("idx", "word"),
    [(REVOKED_IDX, "revoked"), (SUSPENDED_IDX, "suspended")],
    ids=["revoked", "suspended"],
)
def test_token_status_list(
    world: World, pipeline: VerificationPipeline, idx: int, word: str
) -> None:
    report = pipeline.verify_credential(world.sd_jwt(status_idx=idx))
    assert _failed(report) == {"status"}
    assert word in _detail(report, "status")


@pytest.mark.parametrize(
    ("purpose", "idx", "word"),
    [("revocation", REVOKED_IDX, "revoked"), ("suspension", SUSPENDED_IDX, "suspended")],
    ids=["revoked", "suspended"],
)
def test_bitstring_status_list(
    world: World, pipeline: VerificationPipeline, purpose: str, idx: int, word: str
) -> None:
    credential = world.vcdm_credential(status=purpose, status_idx=idx)
    for value in (world.vc_jwt(credential), world.ldp_vc(credential)):
        report = pipeline.verify_credential(value)
        assert _failed(report) == {"status"}
        assert word in _detail(report, "status")


def test_unreachable_status_list_fails_closed(world: World, pipeline: VerificationPipeline) -> None:
    world.fetcher.down.add(TOKEN_LIST)
    report = pipeline.verify_presentation(world.sd_jwt_presentation(), REPRESENTATIVE)
    assert _failed(report) == {"status", "policy"}
    assert "fail closed" in _detail(report, "status")
    world.fetcher.down.add(BSL_REVOCATION)
    assert _failed(pipeline.verify_credential(world.vc_jwt())) == {"status"}


def test_missing_status_list_fails_closed(world: World, pipeline: VerificationPipeline) -> None:
    del world.fetcher.documents[TOKEN_LIST]
    assert _failed(pipeline.verify_credential(world.sd_jwt())) == {"status"}


def test_unreachable_status_list_fails_open_when_the_policy_says_so(
    world: World, pipeline: VerificationPipeline
) -> None:
    lenient = pipeline.policies["company-representative"].model_copy(
        update={"status_unreachable": "fail_open"}
    )
    world.fetcher.down.add(TOKEN_LIST)
    options = VerifyOptions(challenge=NONCE, domain=VERIFIER, policy=lenient)
    report = pipeline.verify_presentation(world.sd_jwt_presentation(), options)
    assert report.verified, report.problems
    assert any("fail open" in c.detail for c in report.checks if c.code == "status")


def test_fail_open_never_accepts_a_revoked_credential(
    world: World, pipeline: VerificationPipeline
) -> None:
    lenient = pipeline.policies["company-representative"].model_copy(
        update={"status_unreachable": "fail_open"}
    )
    presentation = world.sd_jwt_presentation(world.sd_jwt(status_idx=REVOKED_IDX))
    options = VerifyOptions(challenge=NONCE, domain=VERIFIER, policy=lenient)
    assert "status" in _failed(pipeline.verify_presentation(presentation, options))


def test_status_list_signed_by_another_issuer(world: World, pipeline: VerificationPipeline) -> None:
    world.publish_status_lists(signer=world.other_es)
    report = pipeline.verify_credential(world.sd_jwt())
    assert _failed(report) == {"status"}
    report = pipeline.verify_credential(world.vc_jwt())
    assert _failed(report) == {"status"}
    assert "not by the credential's issuer" in _detail(report, "status")


def test_status_lists_are_cached_within_their_ttl(
    world: World, pipeline: VerificationPipeline
) -> None:
    for _ in range(3):
        assert pipeline.verify_credential(world.sd_jwt()).verified
    assert world.fetcher.calls.count(TOKEN_LIST) == 1
    world.now += timedelta(seconds=601)  # the list's ttl is 600 s
    world.publish_status_lists()
    assert pipeline.verify_credential(world.sd_jwt()).verified
    assert world.fetcher.calls.count(TOKEN_LIST) == 2


# -- validity ---------------------------------------------------------------------


def test_expired(world: World, pipeline: VerificationPipeline) -> None:
    old = world.now - timedelta(days=100)
    report = pipeline.verify_credential(world.sd_jwt(iat=old, exp=world.now - timedelta(hours=1)))
    assert _failed(report) == {"expired"}
    credential = world.vcdm_credential(valid_from=old, valid_until=world.now - timedelta(hours=1))
    assert _failed(pipeline.verify_credential(world.vc_jwt(credential))) == {"expired"}
    assert _failed(pipeline.verify_credential(world.ldp_vc(credential))) == {"expired"}


def test_not_yet_valid(world: World, pipeline: VerificationPipeline) -> None:
    credential = world.vcdm_credential(valid_from=world.now + timedelta(hours=2))
    assert _failed(pipeline.verify_credential(world.ldp_vc(credential))) == {"not_yet_valid"}


def test_clock_skew_is_bounded(world: World, pipeline: VerificationPipeline) -> None:
    credential = world.vcdm_credential(valid_until=world.now - timedelta(seconds=30))
    assert pipeline.verify_credential(world.vc_jwt(credential)).verified  # within 60 s
    with pytest.raises(ValueError, match="leeway"):
        world.pipeline(leeway=3600)


def test_at_overrides_the_clock(world: World, pipeline: VerificationPipeline) -> None:
    token = world.sd_jwt(exp=world.now - timedelta(hours=1), iat=world.now - timedelta(days=2))
    options = VerifyOptions(at=world.now - timedelta(days=1))
    report = pipeline.verify_credential(token, options)
    assert _failed(report) == {"status"}  # today's status list was issued after --at
    assert "iat" in _detail(report, "status") or "future" in _detail(report, "status")
    assert pipeline.verify_credential(
        token, VerifyOptions(at=options.at, check_status=False)
    ).verified


# -- trust ------------------------------------------------------------------------


def test_issuer_not_in_the_registry(world: World, pipeline: VerificationPipeline) -> None:
    del world.trust.grants[ISSUER]
    report = pipeline.verify_credential(world.sd_jwt())
    assert _failed(report) == {"trust"}
    assert "not in the trust registry" in _detail(report, "trust")


def test_type_not_granted(world: World, pipeline: VerificationPipeline) -> None:
    report = pipeline.verify_credential(world.sd_jwt(vct="https://attestia.example/issuer/vct/x"))
    assert _failed(report) == {"trust"}


def test_issuer_suspended_before_issuance(world: World, pipeline: VerificationPipeline) -> None:
    start = world.now - timedelta(days=3)
    world.trust.grants[ISSUER]["LegalRepresentativeCredential"] = [
        (world.now - timedelta(days=400), start, "granted"),
        (start, None, "suspended"),
    ]
    report = pipeline.verify_credential(world.vc_jwt())
    assert _failed(report) == {"trust"}
    assert "suspended" in _detail(report, "trust")


def test_issuer_suspended_after_issuance_is_still_trusted(
    world: World, pipeline: VerificationPipeline
) -> None:
    since = world.now - timedelta(hours=1)
    world.trust.grants[ISSUER]["LegalRepresentativeCredential"] = [
        (world.now - timedelta(days=400), since, "granted"),
        (since, None, "suspended"),
    ]
    assert pipeline.verify_credential(world.vc_jwt()).verified


def test_issuer_cancelled_after_issuance(world: World, pipeline: VerificationPipeline) -> None:
    world.trust.cancelled[ISSUER] = world.now - timedelta(hours=1)
    report = pipeline.verify_presentation(world.sd_jwt_presentation(), BOUND)
    assert _failed(report) == {"trust"}
    assert "cancelled" in _detail(report, "trust")
    assert report.credentials[0].trust_entry is not None


def test_no_trust_checker_fails_unless_trust_is_off(world: World) -> None:
    pipeline = world.pipeline(trust=None)
    assert _failed(pipeline.verify_credential(world.vc_jwt())) == {"trust"}
    report = pipeline.verify_credential(world.vc_jwt(), VerifyOptions(check_trust=False))
    assert report.verified
    assert not report.trust_checked


# -- policy -----------------------------------------------------------------------


def test_missing_required_claim(world: World, pipeline: VerificationPipeline) -> None:
    disclosed = tuple(k for k in MANDATE_CLAIMS if k != "role_label")
    report = pipeline.verify_presentation(
        world.sd_jwt_presentation(disclose=disclosed), REPRESENTATIVE
    )
    assert _failed(report) == {"policy"}
    assert "role_label" in _detail(report, "policy")


def test_different_sirens_across_credentials(world: World, pipeline: VerificationPipeline) -> None:
    other = world.vc_jwt(world.vcdm_credential({**MANDATE_CLAIMS, "siren": "356000000"}))
    report = pipeline.verify_presentation(world.vp_jwt([world.vc_jwt(), other]), REPRESENTATIVE)
    assert _failed(report) == {"policy"}
    assert "different SIRENs" in _detail(report, "policy")


def test_different_sirens_across_presentations_of_one_vp_token(
    world: World, pipeline: VerificationPipeline
) -> None:
    first = world.sd_jwt_presentation()
    second = world.sd_jwt_presentation(world.sd_jwt({**MANDATE_CLAIMS, "siren": "356000000"}))
    report = pipeline.verify_presentations([first, second], REPRESENTATIVE)
    assert _failed(report) == {"policy"}
    assert {c.target for c in report.checks} >= {
        "presentation[0]/credential[0]",
        "presentation[1]/credential[0]",
    }


def test_gaia_x_vat_number_must_name_the_same_siren(
    world: World, pipeline: VerificationPipeline
) -> None:
    presentation = world.gaia_x_vp()
    presentation["verifiableCredential"][1] = world.gaia_x_vp("FR83356000000")[
        "verifiableCredential"
    ][1]
    presentation["verifiableCredential"][0]["credentialSubject"]["siren"] = "552100554"
    report = pipeline.verify(presentation, VerifyOptions(policy="gaia-x-participant"))
    assert "policy" in _failed(report)


def test_required_credential_missing(world: World, pipeline: VerificationPipeline) -> None:
    options = VerifyOptions(challenge=NONCE, domain=VERIFIER, policy="certified-executive")
    report = pipeline.verify_presentation(world.sd_jwt_presentation(), options)
    assert _failed(report) == {"policy"}


@pytest.mark.parametrize(
    ("acr", "accepted"),
    [
        ("https://proconnect.gouv.fr/assurance/certification-dirigeant", True),
        ("eidas2", True),
        ("eidas0", False),
        ("unknown-level", False),
    ],
)
def test_minimum_assurance(
    world: World, pipeline: VerificationPipeline, acr: str, accepted: bool
) -> None:
    claims = {
        "given_name": "Marie",
        "family_name": "Curie",
        "siren": "552100554",
        "certification_method": "proconnect",
        "assurance_level": acr,
    }
    presentation = world.sd_jwt_presentation(
        world.sd_jwt(claims, vct=VCT_EXECUTIVE), disclose=tuple(claims)
    )
    options = VerifyOptions(challenge=NONCE, domain=VERIFIER, policy="certified-executive")
    report = pipeline.verify_presentation(presentation, options)
    assert report.verified is accepted, report.problems


def test_unknown_policy_is_a_failed_policy_check(
    world: World, pipeline: VerificationPipeline
) -> None:
    report = pipeline.verify(world.vc_jwt(), VerifyOptions(policy="no-such-policy"))
    assert _failed(report) == {"policy"}


def test_policy_format_allow_list(world: World, pipeline: VerificationPipeline) -> None:
    report = pipeline.verify(
        world.sd_jwt_presentation(),
        VerifyOptions(challenge=NONCE, domain=VERIFIER, policy="gaia-x-participant"),
    )
    assert "policy" in _failed(report)
