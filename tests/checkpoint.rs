//! Signed checkpoints: what `sign` and `cosign` write, `open` reads back
//! exactly, signatures made and checked as C2SP signed-note and
//! tlog-cosignature specify (checked against golang.org/x/mod/sumdb/note's
//! worked example and an independent signer here), and any changed byte is
//! refused without a panic.

use base64ct::{Base64, Encoding};
use ed25519_dalek::{Signer as _, SigningKey, Verifier as _};
use git2::Oid;
use proptest::prelude::*;
use rollcall::history::checkpoint::{
    Checkpoint, CheckpointError, MAX_NOTE_BYTES, MAX_SIGNATURES, NoteSigner, Verifier, cosign, open, open_note, sign,
};
use sha2::{Digest, Sha256};
use ssh_key::private::Ed25519Keypair;
use ssh_key::{LineEnding, PrivateKey};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use tempfile::TempDir;

const LEDGER: &str = "example.org/roll";
const WITNESS: &str = "witness.example/w1";
const OTHER_WITNESS: &str = "witness.example/w2";
const TIME: u64 = 1_767_225_600;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// The signers, and the public key lines a foundation would publish.
struct Keys {
    _dir: TempDir,
    ledger: NoteSigner,
    ledger_public: String,
    witness: NoteSigner,
    witness_public: String,
    other_witness: NoteSigner,
    other_witness_public: String,
}

/// A witness key from a fixed seed, written as an OpenSSH key file.
fn witness_key(dir: &Path, name: &str, seed: u8) -> (NoteSigner, String) {
    let key = PrivateKey::from(Ed25519Keypair::from_seed(&[seed; 32]));
    let path = dir.join(format!("witness-{seed}"));
    std::fs::write(&path, key.to_openssh(LineEnding::LF).unwrap().as_bytes()).unwrap();
    (NoteSigner::from_file(name, &path).unwrap(), key.public_key().to_openssh().unwrap())
}

static KEYS: LazyLock<Keys> = LazyLock::new(|| {
    let dir = tempfile::tempdir().unwrap();
    let (witness, witness_public) = witness_key(dir.path(), WITNESS, 7);
    let (other_witness, other_witness_public) = witness_key(dir.path(), OTHER_WITNESS, 8);
    Keys {
        ledger: NoteSigner::from_file(LEDGER, &fixture("event-signing-key")).unwrap(),
        ledger_public: std::fs::read_to_string(fixture("event-signing-key.pub")).unwrap(),
        witness,
        witness_public,
        other_witness,
        other_witness_public,
        _dir: dir,
    }
});

fn ledger_keys() -> Vec<Verifier> {
    vec![Verifier::from_openssh(LEDGER, &KEYS.ledger_public).unwrap()]
}

fn witnesses() -> Vec<Verifier> {
    vec![Verifier::witness_from_openssh(WITNESS, &KEYS.witness_public).unwrap()]
}

fn checkpoint() -> Checkpoint {
    Checkpoint {
        origin: LEDGER.to_owned(),
        events: 1234,
        head: Oid::from_str("c516791e40863ce4d661aea6fba7cef52ebbe1d3").unwrap(),
        state: *b"the state of the roll, 32 bytes.",
    }
}

fn signed() -> String {
    sign(&checkpoint(), &KEYS.ledger)
}

fn cosigned() -> String {
    cosign(&signed(), &KEYS.witness, TIME).unwrap()
}

/// An independent signed-note signer over any text, with the fixture key:
/// to compare with `sign`, and to sign texts `sign` would never write.
fn sign_text(text: &str) -> String {
    let key = PrivateKey::read_openssh_file(&fixture("event-signing-key")).unwrap();
    let key = SigningKey::try_from(key.key_data().ed25519().unwrap()).unwrap();
    let id = &key_id(LEDGER, 0x01, key.verifying_key().as_bytes())[..];
    let signature = key.sign(text.as_bytes()).to_bytes();
    format!("{text}\n— {LEDGER} {}\n", Base64::encode_string(&[id, &signature].concat()))
}

/// signed-note: SHA-256(key name || 0x0A || type || public key)[:4].
fn key_id(name: &str, kind: u8, public: &[u8]) -> [u8; 4] {
    let digest = Sha256::digest([name.as_bytes(), b"\n", &[kind], public].concat());
    digest[..4].try_into().unwrap()
}

fn last_line(note: &str) -> &str {
    note.trim_end_matches('\n').rsplit('\n').next().unwrap()
}

/// A signature line's name and decoded bytes.
fn decode_line(line: &str) -> (&str, Vec<u8>) {
    let (name, encoded) = line.strip_prefix("— ").unwrap().split_once(' ').unwrap();
    (name, Base64::decode_vec(encoded).unwrap())
}

fn encode_line(name: &str, bytes: &[u8]) -> String {
    format!("— {name} {}\n", Base64::encode_string(bytes))
}

#[test]
fn a_signed_checkpoint_opens_as_itself() {
    let note = signed();
    let opened = open(&note, &ledger_keys(), &[]).unwrap();
    assert_eq!(opened.checkpoint, checkpoint());
    assert_eq!(opened.signed_by, [LEDGER]);
    assert!(opened.cosigned_by.is_empty());
    assert_eq!(
        checkpoint().body(),
        "example.org/roll\n1234\ndGhlIHN0YXRlIG9mIHRoZSByb2xsLCAzMiBieXRlcy4=\n\
         head c516791e40863ce4d661aea6fba7cef52ebbe1d3\n"
    );
    // Ed25519 is deterministic: an independent signer writes the same note.
    assert_eq!(note, sign_text(&checkpoint().body()));
}

#[test]
fn the_extremes_of_the_event_count_round_trip() {
    for events in [0, 1, 10, u64::MAX] {
        let checkpoint = Checkpoint { events, ..checkpoint() };
        let opened = open(&sign(&checkpoint, &KEYS.ledger), &ledger_keys(), &[]).unwrap();
        assert_eq!(opened.checkpoint, checkpoint);
    }
}

#[test]
fn a_verifier_key_round_trips() {
    let verifier = KEYS.ledger.verifier();
    assert_eq!(verifier, ledger_keys()[0]);
    let vkey = verifier.vkey();
    assert_eq!(Verifier::parse(&vkey).unwrap(), verifier);
    assert_eq!(Verifier::parse(&vkey).unwrap().vkey(), vkey);
    let witness = &witnesses()[0];
    assert_eq!(Verifier::parse(&witness.vkey()).unwrap(), *witness);
    // The same key under the two signature types has two key IDs.
    let public = Base64::decode_vec(vkey.rsplit('+').next().unwrap()).unwrap();
    assert_eq!(public[0], 0x01);
    let expected = format!("{:08x}", u32::from_be_bytes(key_id(LEDGER, 0x01, &public[1..])));
    assert_eq!(vkey, format!("{LEDGER}+{expected}+{}", Base64::encode_string(&public)));
}

#[test]
fn malformed_verifier_keys_are_refused() {
    let vkey = KEYS.ledger.verifier().vkey();
    let (name, rest) = vkey.split_once('+').unwrap();
    let (id, key) = rest.split_once('+').unwrap();
    let other_type = Base64::encode_string(&[&[0x02][..], &Base64::decode_vec(key).unwrap()[1..]].concat());
    for bad in [
        String::new(),
        name.to_owned(),
        format!("{name}+{id}"),
        format!("{name}+{}+{key}", id.to_uppercase()),
        format!("{name}+0{}+{key}", &id[1..]),
        format!("{name}+{id}0+{key}"),
        format!("{name}+{id}+{key}="),
        format!("{name}+{id}+{}", &key[..key.len() - 4]),
        format!("{name}+{id}+{other_type}"),
        format!("ex ample+{id}+{key}"),
        format!("+{id}+{key}"),
        format!("{name}+{id}+AQ=="),
    ] {
        assert!(Verifier::parse(&bad).is_err(), "{bad:?}");
    }
    assert!(Verifier::from_openssh("a name", &KEYS.ledger_public).is_err());
    assert!(Verifier::from_openssh(LEDGER, "ssh-ed25519 AAAA").is_err());
    assert!(NoteSigner::from_file("a+b", &fixture("event-signing-key")).is_err());
    assert!(NoteSigner::from_file(LEDGER, &fixture("event-signing-key.pub")).is_err());
}

/// golang.org/x/mod/sumdb/note's package documentation: a verifier key
/// and a note it signed (its text is not a checkpoint).
const GO_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const GO_TEXT: &str = "If you think cryptography is the answer to your problem,\n\
                       then you don't know what your problem is.\n";
const GO_SIGNATURE: &str =
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const GO_SECOND_SIGNATURE: &str =
    "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

#[test]
fn the_go_sumdb_note_example_verifies() {
    let known = [Verifier::parse(GO_VKEY).unwrap()];
    assert_eq!(known[0].vkey(), GO_VKEY);
    let note = format!("{GO_TEXT}\n{GO_SIGNATURE}");
    let opened = open_note(&note, &known).unwrap();
    assert_eq!(opened.text, GO_TEXT);
    assert_eq!(opened.verified.len(), 1);
    assert_eq!(opened.verified[0].key.name, "PeterNeumann");
    assert_eq!(opened.verified[0].timestamp, None);
    // Its doubly signed form: the unknown EnochRoot line is ignored.
    let doubly = format!("{note}{GO_SECOND_SIGNATURE}");
    assert_eq!(open_note(&doubly, &known).unwrap().verified.len(), 1);
    // Validly signed, but not a checkpoint.
    assert!(matches!(open(&note, &known, &[]), Err(CheckpointError::MalformedCheckpoint { .. })));
    let changed = note.replacen("problem,", "problem;", 1);
    assert_eq!(
        open_note(&changed, &known).err(),
        Some(CheckpointError::BadSignature { name: "PeterNeumann".to_owned() })
    );
}

#[test]
fn the_c2sp_examples_parse_and_their_unknown_keys_are_ignored() {
    // c2sp.org/tlog-cosignature (a checkpoint, a log signature, a witness
    // cosignature of time 1679315147) and c2sp.org/signed-note (a text with
    // a blank line in it); neither publishes its keys.
    let cosignature = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n\
        — example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n\
        — witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n";
    let poem = "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n\n\
        — quasimodo.example/salvatore NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n";
    for note in [cosignature, poem] {
        assert_eq!(open_note(note, &ledger_keys()).err(), Some(CheckpointError::NoKnownSignature));
    }
    assert_eq!(open(cosignature, &ledger_keys(), &[]).err(), Some(CheckpointError::NotSignedByLedger));
    let (_, bytes) = decode_line(last_line(cosignature));
    assert_eq!(u64::from_be_bytes(bytes[4..12].try_into().unwrap()), 1679315147);
}

#[test]
fn a_cosignature_verifies_and_names_its_witness_and_time() {
    let note = cosigned();
    let opened = open(&note, &ledger_keys(), &witnesses()).unwrap();
    assert_eq!(opened.checkpoint, checkpoint());
    assert_eq!(opened.signed_by, [LEDGER]);
    assert_eq!(opened.cosigned_by, [(WITNESS.to_owned(), TIME)]);
    // A reader that does not know the witness ignores its line.
    assert!(open(&note, &ledger_keys(), &[]).unwrap().cosigned_by.is_empty());

    // Independently: key ID over type 0x04, time, and a signature over
    // "cosignature/v1\ntime <t>\n" and the body.
    let (name, bytes) = decode_line(last_line(&note));
    let public = ssh_key::PublicKey::from_openssh(&KEYS.witness_public).unwrap();
    let public = ed25519_dalek::VerifyingKey::try_from(public.key_data().ed25519().unwrap()).unwrap();
    assert_eq!((name, bytes.len()), (WITNESS, 4 + 8 + 64));
    assert_eq!(bytes[..4], key_id(WITNESS, 0x04, public.as_bytes()));
    assert_eq!(bytes[4..12], TIME.to_be_bytes());
    let message = format!("cosignature/v1\ntime {TIME}\n{}", checkpoint().body());
    let signature = ed25519_dalek::Signature::from_bytes(bytes[12..].try_into().unwrap());
    public.verify(message.as_bytes(), &signature).unwrap();
}

#[test]
fn two_witnesses_cosign_and_both_are_required() {
    let both = cosign(&cosigned(), &KEYS.other_witness, TIME + 1).unwrap();
    let mut required = witnesses();
    required.push(Verifier::witness_from_openssh(OTHER_WITNESS, &KEYS.other_witness_public).unwrap());
    let opened = open(&both, &ledger_keys(), &required).unwrap();
    assert_eq!(opened.cosigned_by, [(WITNESS.to_owned(), TIME), (OTHER_WITNESS.to_owned(), TIME + 1)]);
    assert_eq!(
        open(&cosigned(), &ledger_keys(), &required).err(),
        Some(CheckpointError::MissingCosignature { witness: OTHER_WITNESS.to_owned() })
    );
}

#[test]
fn a_missing_or_wrong_witness_is_refused() {
    let missing = CheckpointError::MissingCosignature { witness: WITNESS.to_owned() };
    assert_eq!(open(&signed(), &ledger_keys(), &witnesses()).err(), Some(missing.clone()));
    let by_other = cosign(&signed(), &KEYS.other_witness, TIME).unwrap();
    assert_eq!(open(&by_other, &ledger_keys(), &witnesses()).err(), Some(missing));
    // The right name with another key is another key: ignored, so missing.
    let (_, impostor) = witness_key(KEYS._dir.path(), WITNESS, 9);
    let impostor = Verifier::witness_from_openssh(WITNESS, &impostor).unwrap();
    assert!(matches!(open(&cosigned(), &ledger_keys(), &[impostor]), Err(CheckpointError::MissingCosignature { .. })));
}

#[test]
fn a_tampered_cosignature_time_is_refused() {
    let note = cosigned();
    let (name, mut bytes) = decode_line(last_line(&note));
    let signed_part = &note[..note.len() - last_line(&note).len() - 1];
    for (time, error) in [
        (TIME + 1, CheckpointError::BadSignature { name: WITNESS.to_owned() }),
        (TIME - 1, CheckpointError::BadSignature { name: WITNESS.to_owned() }),
        (1 << 63, CheckpointError::TimestampOutOfRange(1 << 63)),
    ] {
        bytes[4..12].copy_from_slice(&u64::to_be_bytes(time));
        let tampered = format!("{signed_part}{}", encode_line(name, &bytes));
        assert_eq!(open(&tampered, &ledger_keys(), &witnesses()).err(), Some(error));
    }
}

#[test]
fn cosign_refuses_a_second_cosignature_and_an_impossible_time() {
    assert_eq!(
        cosign(&cosigned(), &KEYS.witness, TIME + 60).err(),
        Some(CheckpointError::AlreadyCosigned { witness: WITNESS.to_owned() })
    );
    assert_eq!(cosign(&signed(), &KEYS.witness, 1 << 63).err(), Some(CheckpointError::TimestampOutOfRange(1 << 63)));
    assert!(cosign("not a note", &KEYS.witness, TIME).is_err());
    assert!(cosign(&format!("{GO_TEXT}\n{GO_SIGNATURE}"), &KEYS.witness, TIME).is_err());
}

#[test]
fn keys_given_in_the_wrong_role_are_refused() {
    let note = cosigned();
    assert!(matches!(open(&note, &witnesses(), &[]), Err(CheckpointError::WrongKeyKind { .. })));
    assert!(matches!(open(&note, &ledger_keys(), &ledger_keys()), Err(CheckpointError::WrongKeyKind { .. })));
}

#[test]
fn signature_lines_by_known_keys_must_verify_and_appear_once() {
    let note = signed();
    // A forged line under the required witness's name and key ID.
    let id =
        key_id(WITNESS, 0x04, &Base64::decode_vec(witnesses()[0].vkey().rsplit('+').next().unwrap()).unwrap()[1..]);
    let forged = format!("{note}{}", encode_line(WITNESS, &[&id[..], &TIME.to_be_bytes(), &[0; 64]].concat()));
    assert_eq!(
        open(&forged, &ledger_keys(), &witnesses()).err(),
        Some(CheckpointError::BadSignature { name: WITNESS.to_owned() })
    );
    let twice = format!("{note}{}\n", last_line(&note));
    assert_eq!(
        open(&twice, &ledger_keys(), &[]).err(),
        Some(CheckpointError::DuplicateSignature { name: LEDGER.to_owned() })
    );
    // A line by an unknown key is ignored, before or after.
    let unknown = encode_line("someone.example/key", &[1, 2, 3, 4, 5]);
    let (body, line) = note.split_at(note.len() - last_line(&note).len() - 1);
    for note in [format!("{note}{unknown}"), format!("{body}{unknown}{line}")] {
        assert_eq!(open(&note, &ledger_keys(), &[]).unwrap().checkpoint, checkpoint());
    }
}

/// Texts the independent signer signs validly, each not a checkpoint, with
/// the line `open` must blame.
#[test]
fn a_validly_signed_text_that_is_not_exactly_a_checkpoint_is_refused() {
    let state = "dGhlIHN0YXRlIG9mIHRoZSByb2xsLCAzMiBieXRlcy4=";
    let head = "head c516791e40863ce4d661aea6fba7cef52ebbe1d3";
    let cases = [
        (format!("\n1234\n{state}\n{head}\n"), 1),
        (format!("example.org roll\n1234\n{state}\n{head}\n"), 1),
        (format!("example.org+roll\n1234\n{state}\n{head}\n"), 1),
        (format!("{LEDGER}\n01234\n{state}\n{head}\n"), 2),
        (format!("{LEDGER}\n+1234\n{state}\n{head}\n"), 2),
        (format!("{LEDGER}\n1234 \n{state}\n{head}\n"), 2),
        (format!("{LEDGER}\n\n{state}\n{head}\n"), 2),
        (format!("{LEDGER}\n18446744073709551616\n{state}\n{head}\n"), 2),
        (format!("{LEDGER}\n1234\ndGhlIHN0YXRlIG9mIHRoZSByb2xsLCAzMiBieXRlcy5=\n{head}\n"), 3),
        (format!("{LEDGER}\n1234\ndGhlIHN0YXRlIG9mIHRoZSByb2xsLCAzMiBieXRlcy4\n{head}\n"), 3),
        (format!("{LEDGER}\n1234\ndGhlIHN0YXRlIG9mIHRoZSByb2xsLCAzMSBieXRlcw==\n{head}\n"), 3),
        (format!("{LEDGER}\n1234\ndGhlIHN0YXRlIG9mIHRoZSByb2xsLCAzMyBieXRlcy4u\n{head}\n"), 3),
        (format!("{LEDGER}\n1234\n{state}\nhead C516791E40863CE4D661AEA6FBA7CEF52EBBE1D3\n"), 4),
        (format!("{LEDGER}\n1234\n{state}\nhead c516791e\n"), 4),
        (format!("{LEDGER}\n1234\n{state}\nhead  c516791e40863ce4d661aea6fba7cef52ebbe1d3\n"), 4),
        (format!("{LEDGER}\n1234\n{state}\nparent c516791e40863ce4d661aea6fba7cef52ebbe1d3\n"), 4),
        (format!("{LEDGER}\n1234\n{state}\n"), 3),
        (format!("{LEDGER}\n1234\n{state}\n{head}\nmore\n"), 5),
    ];
    for (text, line) in cases {
        match open(&sign_text(&text), &ledger_keys(), &[]) {
            Err(CheckpointError::MalformedCheckpoint { line: blamed, .. }) => assert_eq!(blamed, line, "{text:?}"),
            other => panic!("{text:?}: {other:?}"),
        }
    }
}

#[test]
fn malformed_notes_are_refused_with_what_is_wrong() {
    let note = signed();
    let line = last_line(&note);
    let (_, bytes) = decode_line(line);
    // 68 bytes leave two unused bits in the last character before '=': set one.
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut non_canonical = Base64::encode_string(&bytes).into_bytes();
    non_canonical[90] = ALPHABET[ALPHABET.iter().position(|&c| c == non_canonical[90]).unwrap() ^ 1];
    let non_canonical = String::from_utf8(non_canonical).unwrap();
    assert_eq!(Base64::decode_vec(&non_canonical).ok(), None);
    let with_line = |line: &str| format!("{}\n{line}\n", checkpoint().body());
    let cases = [
        (String::new(), CheckpointError::NoSignatures),
        (checkpoint().body(), CheckpointError::NoSignatures),
        (note.trim_end().to_owned(), CheckpointError::NoSignatures),
        (format!("{}\n", checkpoint().body()), CheckpointError::NoSignatures),
        (note.replace('\n', "\r\n"), CheckpointError::ControlCharacter { line: 1 }),
        (note.replacen("1234", "12\t34", 1), CheckpointError::ControlCharacter { line: 2 }),
        (format!("{note}\u{85}"), CheckpointError::ControlCharacter { line: 7 }),
        (" ".repeat(MAX_NOTE_BYTES + 1), CheckpointError::TooLarge(MAX_NOTE_BYTES + 1)),
    ];
    for (note, error) in cases {
        assert_eq!(open(&note, &ledger_keys(), &[]).err(), Some(error), "{note:?}");
    }
    let signature_lines = [
        line.replacen("— ", "-- ", 1),
        line.replacen("— ", "—", 1),
        line.replacen(' ', "  ", 1),
        line.replacen(LEDGER, "example.org+roll", 1),
        format!("{line} "),
        format!("— {LEDGER}\u{a0}{}", Base64::encode_string(&bytes)),
        format!("— {LEDGER} {non_canonical}"),
        format!("— {LEDGER} AAAAAA=="),
        format!("— {LEDGER} "),
        format!("— {LEDGER}"),
    ];
    for signature in signature_lines {
        match open(&with_line(&signature), &ledger_keys(), &[]) {
            Err(CheckpointError::MalformedSignature { line: 6, .. }) => {}
            other => panic!("{signature:?}: {other:?}"),
        }
    }
    let unknown = encode_line("someone.example/key", &[1, 2, 3, 4, 5]);
    let many = format!("{note}{}", unknown.repeat(MAX_SIGNATURES));
    assert_eq!(open(&many, &ledger_keys(), &[]).err(), Some(CheckpointError::TooManySignatures));
    let enough = format!("{note}{}", unknown.repeat(MAX_SIGNATURES - 1));
    assert!(open(&enough, &ledger_keys(), &[]).is_ok());
}

/// Every way `bytes` could reach `open`: as text, or refused before.
fn refused(bytes: &[u8], ledger: &[Verifier], witnesses: &[Verifier]) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(note) => open(note, ledger, witnesses).is_err(),
        Err(_) => true, // not UTF-8: a reader refuses it before `open`
    }
}

/// The notes to change: signed and not cosigned, and cosigned with the
/// witness required.
fn mutation_targets() -> Vec<(String, Vec<Verifier>)> {
    vec![(signed(), vec![]), (cosigned(), witnesses())]
}

#[test]
fn every_changed_byte_is_refused() {
    let ledger = ledger_keys();
    for (note, witnesses) in mutation_targets() {
        let original = note.as_bytes();
        let mut accepted = Vec::new();
        for at in 0..original.len() {
            let byte = original[at];
            for replacement in [byte.wrapping_add(1), byte.wrapping_sub(1), 0, b' ', b'\n', 0xff] {
                if replacement == byte {
                    continue;
                }
                let mut changed = original.to_vec();
                changed[at] = replacement;
                if !refused(&changed, &ledger, &witnesses) {
                    accepted.push((at, replacement));
                }
            }
        }
        assert!(accepted.is_empty(), "accepted after changing (position, byte): {accepted:?}\n{note}");
    }
}

#[test]
fn every_truncation_insertion_and_extension_is_refused() {
    let ledger = ledger_keys();
    for (note, witnesses) in mutation_targets() {
        let original = note.as_bytes();
        for len in 0..original.len() {
            assert!(refused(&original[..len], &ledger, &witnesses), "truncated to {len}");
        }
        for at in 0..=original.len() {
            for inserted in [&b"\n"[..], b" ", b"a", b"=", "—".as_bytes()] {
                let changed = [&original[..at], inserted, &original[at..]].concat();
                assert!(refused(&changed, &ledger, &witnesses), "{inserted:?} inserted at {at}");
            }
        }
        for extension in ["\n", "\n\n", "— ", "— x\n", "— x AAAA\n", "\u{feff}"] {
            assert!(refused(format!("{note}{extension}").as_bytes(), &ledger, &witnesses), "{extension:?}");
        }
    }
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
        let _ = open(&String::from_utf8_lossy(&bytes), &ledger_keys(), &witnesses());
    }

    #[test]
    fn arbitrary_text_never_panics(text in "(\\PC|\n| |—|\\+|=){0,400}") {
        let _ = open(&text, &ledger_keys(), &witnesses());
        let _ = open_note(&text, &ledger_keys());
        let _ = cosign(&text, &KEYS.witness, TIME);
    }

    #[test]
    fn any_changes_to_a_cosigned_checkpoint_are_refused(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        let note = cosigned();
        let mut bytes = note.clone().into_bytes();
        for (at, byte) in edits {
            let at = at.index(bytes.len());
            bytes[at] = byte;
        }
        prop_assume!(bytes != note.as_bytes());
        prop_assert!(refused(&bytes, &ledger_keys(), &witnesses()));
    }
}
