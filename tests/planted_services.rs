//! Tokens of twenty common services planted in a generated dump's memory (ASCII and
//! NUL-terminated, or UTF-16LE at an odd offset): `audit` fails with exactly those rules,
//! `scrub` removes every one, and the scrubbed copy's audit is clean.

use std::collections::BTreeSet;

use minidump_synth::{Memory, SynthMinidump};
use test_assembler::{Endian, Section};

use crate::util::{audit_findings, run, stderr};

/// A deterministic token: `prefix`, then `n` characters of `alphabet`, then `suffix`.
fn token(prefix: &str, alphabet: &str, n: usize, suffix: &str, seed: u64) -> String {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let chars: Vec<char> = alphabet.chars().collect();
    let body: String = (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            chars[(x % chars.len() as u64) as usize]
        })
        .collect();
    format!("{prefix}{body}{suffix}")
}

const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const HEX: &str = "0123456789abcdef";
const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";

/// `(service, rule, token)`.
fn services() -> Vec<(&'static str, &'static str, String)> {
    vec![
        (
            "OpenAI",
            "gitleaks.openai-api-key",
            token("sk-", ALNUM, 20, &token("T3BlbkFJ", ALNUM, 20, "", 2), 1),
        ),
        (
            "Anthropic",
            "gitleaks.anthropic-api-key",
            token("sk-ant-api03-", ALNUM, 93, "AA", 3),
        ),
        (
            "GitLab",
            "gitleaks.gitlab-pat",
            token("glpat-", ALNUM, 20, "", 4),
        ),
        ("GitHub", "github-token", token("ghp_", ALNUM, 36, "", 5)),
        ("AWS", "aws-access-key-id", token("AKIA", UPPER, 16, "", 6)),
        ("Slack", "slack-token", token("xoxb-", ALNUM, 40, "", 7)),
        (
            "Stripe",
            "stripe-live-key",
            token("sk_live_", ALNUM, 24, "", 8),
        ),
        (
            "Google Cloud",
            "google-api-key",
            token("AIza", ALNUM, 35, "", 9),
        ),
        ("npm", "npm-token", token("npm_", ALNUM, 36, "", 10)),
        (
            "PyPI",
            "gitleaks.pypi-upload-token",
            token("pypi-AgEIcHlwaS5vcmc", ALNUM, 60, "", 11),
        ),
        (
            "Docker Hub",
            "np.dockerhub.1",
            token("dckr_pat_", ALNUM, 27, "", 12),
        ),
        (
            "SendGrid",
            "gitleaks.sendgrid-api-token",
            token("SG.", ALNUM, 22, &token(".", ALNUM, 43, "", 13), 14),
        ),
        (
            "DigitalOcean",
            "gitleaks.digitalocean-pat",
            token("dop_v1_", HEX, 64, "", 15),
        ),
        (
            "Hugging Face",
            "gitleaks.huggingface-access-token",
            token("hf_", LOWER, 34, "", 16),
        ),
        (
            "Shopify",
            "gitleaks.shopify-access-token",
            token("shpat_", HEX, 32, "", 17),
        ),
        (
            "Sentry",
            "gitleaks.sentry-user-token",
            token("sntryu_", HEX, 64, "", 18),
        ),
        (
            "Grafana",
            "gitleaks.grafana-service-account-token",
            token("glsa_", ALNUM, 32, &token("_", HEX, 8, "", 19), 20),
        ),
        (
            "HashiCorp Vault",
            "gitleaks.vault-service-token",
            token("hvs.", ALNUM, 95, "", 21),
        ),
        (
            "Databricks",
            "gitleaks.databricks-api-token",
            token("dapi", HEX, 32, "", 22),
        ),
        (
            "Linear",
            "gitleaks.linear-api-key",
            token("lin_api_", ALNUM, 40, "", 23),
        ),
    ]
}

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

#[test]
fn twenty_services_tokens_fail_the_audit_and_scrub_removes_them_all() {
    let services = services();
    assert_eq!(services.len(), 20);
    // Heap memory: pointers and zeros between the tokens, every other one UTF-16LE at an
    // odd offset.
    let mut heap = Vec::new();
    for (k, (_, _, t)) in services.iter().enumerate() {
        heap.extend(
            0x7f12_3456_7800_u64
                .wrapping_add(k as u64 * 0x40)
                .to_le_bytes(),
        );
        heap.extend([0u8; 8]);
        if k % 2 == 0 {
            heap.extend(t.as_bytes());
            heap.push(0);
        } else {
            heap.push(0x90);
            heap.extend(utf16(t));
            heap.extend([0, 0]);
        }
    }
    let e = Endian::Little;
    let memory = Memory::with_section(Section::with_endian(e).append_bytes(&heap), 0x5a0_0000);
    let dump = SynthMinidump::with_endian(e)
        .add_memory(memory)
        .finish()
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("tokens.dmp");
    std::fs::write(&path, &dump).unwrap();

    // The audit fails, with exactly these rules, each on its own token.
    let out = run(["audit".as_ref(), path.as_os_str(), "--no-config".as_ref()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let findings = audit_findings(&path);
    let rules: BTreeSet<&str> = findings
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    let expected: BTreeSet<&str> = services.iter().map(|s| s.1).collect();
    assert_eq!(rules, expected);
    for (service, rule, t) in &services {
        let f = findings
            .iter()
            .find(|f| f["rule"] == *rule)
            .unwrap_or_else(|| panic!("{service}"));
        assert_eq!(
            f["value"].as_str(),
            Some(t.as_str()),
            "{service}: the whole token"
        );
        assert_eq!(f["severity"], "high", "{service}");
    }

    // scrub removes every one; the copy's audit is clean.
    let scrubbed = tmp.path().join("scrubbed.dmp");
    let out = run([
        "scrub".as_ref(),
        path.as_os_str(),
        "-o".as_ref(),
        scrubbed.as_os_str(),
        "--no-config".as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let bytes = std::fs::read(&scrubbed).unwrap();
    for (service, _, t) in &services {
        for needle in [t.as_bytes().to_vec(), utf16(t)] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_slice()),
                "{service}'s token is still in the copy"
            );
        }
    }
    let out = run([
        "audit".as_ref(),
        scrubbed.as_os_str(),
        "--no-config".as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(audit_findings(&scrubbed).is_empty());
}
