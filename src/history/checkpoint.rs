//! Signed checkpoints of the ledger: a C2SP signed note
//! (c2sp.org/signed-note) whose text is a tlog checkpoint
//! (c2sp.org/tlog-checkpoint) stating the ledger's origin, number of events,
//! state hash and head commit. A foundation publishes them and witnesses
//! cosign them (c2sp.org/tlog-cosignature, v1 Ed25519), so that a rewritten
//! history is caught by anyone who kept a checkpoint: `rollcall verify
//! --checkpoint` checks that the history still extends it.
//!
//! The format is read strictly: one exact shape, canonical numbers and
//! base64, bounded size, so a checkpoint has exactly one spelling and a
//! changed byte is always refused.

use crate::change::sign::Signer;
use base64ct::{Base64, Encoding};
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use git2::Oid;
use sha2::{Digest, Sha256};
use std::path::Path;

/// A checkpoint is a few hundred bytes; a note larger than this is not one.
pub const MAX_NOTE_BYTES: usize = 64 * 1024;

/// More signature lines than the ledger and any sensible set of witnesses
/// (signed-note asks verifiers to accept at least 16).
pub const MAX_SIGNATURES: usize = 100;

/// Cosignature timestamps fit a signed 64-bit integer (tlog-cosignature).
const MAX_TIMESTAMP: u64 = i64::MAX as u64;

/// What a checkpoint states about the ledger.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// The ledger's identity: non-empty, without spaces or '+' (as a key name).
    pub origin: String,
    /// The number of ledger events on the history up to `head`.
    pub events: u64,
    /// The head commit of the ledger's branch.
    pub head: Oid,
    /// The hash of the ledger's state at `head`, in the root hash's place.
    pub state: [u8; 32],
}

impl Checkpoint {
    /// The note text: the three tlog-checkpoint lines and one extension
    /// line naming the head commit.
    pub fn body(&self) -> String {
        format!("{}\n{}\n{}\nhead {}\n", self.origin, self.events, Base64::encode_string(&self.state), self.head)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckpointError {
    /// Larger than [`MAX_NOTE_BYTES`].
    TooLarge(usize),
    /// A control character other than newline, on this 1-based line.
    ControlCharacter { line: usize },
    /// No blank line followed by newline-terminated signature lines.
    NoSignatures,
    /// More than [`MAX_SIGNATURES`] signature lines.
    TooManySignatures,
    /// A signature line that is not `— <key name> <base64>`.
    MalformedSignature { line: usize, reason: &'static str },
    /// The note's text is not a rollcall checkpoint.
    MalformedCheckpoint { line: usize, reason: &'static str },
    /// A signature by a known key that does not verify.
    BadSignature { name: String },
    /// A known key signed more than once.
    DuplicateSignature { name: String },
    /// No signature by any known key.
    NoKnownSignature,
    /// No valid signature by any of the ledger's keys.
    NotSignedByLedger,
    /// A required witness has not cosigned.
    MissingCosignature { witness: String },
    /// A ledger key that is a witness key, or the other way round.
    WrongKeyKind { name: String, expected: &'static str },
    /// The witness already cosigned this note.
    AlreadyCosigned { witness: String },
    /// A cosignature time past 2^63 - 1.
    TimestampOutOfRange(u64),
}

impl std::fmt::Display for CheckpointError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use CheckpointError::*;
        match self {
            TooLarge(bytes) => write!(f, "the checkpoint is {bytes} bytes; a checkpoint is at most {MAX_NOTE_BYTES}"),
            ControlCharacter { line } => {
                write!(f, "line {line}: a control character (carriage return, tab, …); a checkpoint has none")
            }
            NoSignatures => f.write_str(
                "the checkpoint is not signed: it must end with a blank line and signature lines, each ending in a newline",
            ),
            TooManySignatures => write!(f, "the checkpoint has more than {MAX_SIGNATURES} signature lines"),
            MalformedSignature { line, reason } => {
                write!(f, "line {line}: not a signature line `— <key name> <base64>`: {reason}")
            }
            MalformedCheckpoint { line, reason } => write!(f, "line {line}: {reason}"),
            BadSignature { name } => {
                write!(f, "the signature by {name} does not verify: the checkpoint or the signature was changed")
            }
            DuplicateSignature { name } => write!(f, "{name} signed the checkpoint more than once"),
            NoKnownSignature => f.write_str("the note has no signature by a known key"),
            NotSignedByLedger => f.write_str("the checkpoint has no valid signature by any of the ledger's keys"),
            MissingCosignature { witness } => write!(f, "the checkpoint has no cosignature by the witness {witness}"),
            WrongKeyKind { name, expected } => write!(f, "the key {name} is not a {expected} key"),
            AlreadyCosigned { witness } => write!(f, "{witness} already cosigned the checkpoint"),
            TimestampOutOfRange(time) => write!(f, "the cosignature time {time} is past 2^63 - 1"),
        }
    }
}

impl std::error::Error for CheckpointError {}

/// The signature type byte of signed-note, which also enters the key ID.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SignatureType {
    /// An Ed25519 signature over the note text (signed-note).
    Note = 0x01,
    /// A timestamped Ed25519 cosignature (tlog-cosignature v1).
    Cosignature = 0x04,
}

impl SignatureType {
    fn from_byte(byte: u8) -> Option<SignatureType> {
        match byte {
            0x01 => Some(SignatureType::Note),
            0x04 => Some(SignatureType::Cosignature),
            _ => None,
        }
    }

    /// What a key of this type is for, as errors name it.
    fn role(self) -> &'static str {
        match self {
            SignatureType::Note => "checkpoint signing (type 0x01)",
            SignatureType::Cosignature => "witness cosignature (type 0x04)",
        }
    }
}

/// A private key that signs notes under a name.
pub struct NoteSigner {
    name: String,
    key: SigningKey,
}

impl NoteSigner {
    /// Reads an unencrypted OpenSSH ed25519 private key, as [`Signer`] does.
    /// The ledger's key is best named after the checkpoint's origin
    /// (tlog-checkpoint); a witness's, after the witness.
    pub fn from_file(name: &str, path: &Path) -> Result<NoteSigner, String> {
        check_name(name)?;
        let key = Signer::from_file(path)?.ed25519().map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(NoteSigner { name: name.to_owned(), key })
    }

    /// The public half, as checkpoint readers are given it.
    pub fn verifier(&self) -> Verifier {
        self.verifier_of(SignatureType::Note)
    }

    /// The public half as a witness's cosignature key (type 0x04), what an
    /// auditor gives `verify --witness`.
    pub fn witness_verifier(&self) -> Verifier {
        self.verifier_of(SignatureType::Cosignature)
    }

    fn verifier_of(&self, kind: SignatureType) -> Verifier {
        let key = self.key.verifying_key();
        Verifier { name: self.name.clone(), id: key_id(&self.name, kind, &key), key, kind }
    }

    /// `— <name> base64(key ID || prefix || signature of message)`.
    fn signature_line(&self, kind: SignatureType, prefix: &[u8], message: &[u8]) -> String {
        let id = self.verifier_of(kind).id;
        let signature = self.key.sign(message).to_bytes();
        format!("— {} {}\n", self.name, Base64::encode_string(&[&id[..], prefix, &signature].concat()))
    }
}

/// A public key that verifies one kind of signature under a name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verifier {
    pub name: String,
    id: [u8; 4],
    key: VerifyingKey,
    kind: SignatureType,
}

impl Verifier {
    /// Reads a verifier key `<name>+<8 lowercase hex key ID>+<base64(type || public key)>`.
    pub fn parse(vkey: &str) -> Result<Verifier, String> {
        let malformed = || "not a verifier key <name>+<8 lowercase hex digits>+<base64 key>".to_owned();
        // The name has no '+'; the base64 may.
        let mut parts = vkey.splitn(3, '+');
        let (Some(name), Some(id), Some(encoded)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(malformed());
        };
        let id = parse_key_id(id).ok_or_else(malformed)?;
        let bytes = Base64::decode_vec(encoded).map_err(|_| malformed())?;
        let (&type_byte, key) = bytes.split_first().ok_or_else(malformed)?;
        let kind = SignatureType::from_byte(type_byte).ok_or_else(|| {
            format!("{name}: signature type 0x{type_byte:02x}; rollcall reads Ed25519 keys of types 0x01 and 0x04")
        })?;
        let key: &[u8; 32] = key.try_into().map_err(|_| format!("{name}: the key is not 32 bytes"))?;
        let verifier = Verifier::new(name, ed25519_key(key)?, kind)?;
        if verifier.id != id {
            return Err(format!("{name}: the key ID {} is not the key's", hex(id)));
        }
        Ok(verifier)
    }

    /// The ledger's key as a key file holds it: an OpenSSH public key line
    /// (named for the ledger's `origin`) or a verifier key.
    pub fn ledger_key(origin: &str, text: &str) -> Result<Verifier, String> {
        let text = text.trim();
        if text.starts_with("ssh-") { Verifier::from_openssh(origin, text) } else { Verifier::parse(text) }
    }

    /// A ledger key from an OpenSSH public key line (`ssh-ed25519 AAAA… comment`).
    pub fn from_openssh(name: &str, public_key_line: &str) -> Result<Verifier, String> {
        Verifier::new(name, openssh_key(public_key_line)?, SignatureType::Note)
    }

    /// A witness's cosignature key from an OpenSSH public key line.
    pub fn witness_from_openssh(name: &str, public_key_line: &str) -> Result<Verifier, String> {
        Verifier::new(name, openssh_key(public_key_line)?, SignatureType::Cosignature)
    }

    /// The verifier key string a foundation publishes.
    pub fn vkey(&self) -> String {
        let encoded = Base64::encode_string(&[&[self.kind as u8][..], self.key.as_bytes()].concat());
        format!("{}+{}+{encoded}", self.name, hex(self.id))
    }

    fn new(name: &str, key: VerifyingKey, kind: SignatureType) -> Result<Verifier, String> {
        check_name(name)?;
        Ok(Verifier { name: name.to_owned(), id: key_id(name, kind, &key), key, kind })
    }

    /// Checks the bytes of a signature line after the key ID: the
    /// cosignature's time, or None for a plain note signature.
    fn check(&self, text: &str, signature: &[u8]) -> Result<Option<u64>, CheckpointError> {
        match self.kind {
            SignatureType::Note => self.check_ed25519(text.as_bytes(), signature).map(|()| None),
            SignatureType::Cosignature => {
                let (time, signature) = signature.split_first_chunk::<8>().ok_or_else(|| self.bad())?;
                let time = u64::from_be_bytes(*time);
                if time > MAX_TIMESTAMP {
                    return Err(CheckpointError::TimestampOutOfRange(time));
                }
                self.check_ed25519(cosigned_message(text, time).as_bytes(), signature).map(|()| Some(time))
            }
        }
    }

    /// Strict verification: malleable and small-order signatures fail too.
    fn check_ed25519(&self, message: &[u8], signature: &[u8]) -> Result<(), CheckpointError> {
        let signature: &[u8; 64] = signature.try_into().map_err(|_| self.bad())?;
        self.key.verify_strict(message, &Signature::from_bytes(signature)).map_err(|_| self.bad())
    }

    fn bad(&self) -> CheckpointError {
        CheckpointError::BadSignature { name: self.name.clone() }
    }
}

/// The whole signed note of `checkpoint`, signed by `signer`. Its origin
/// must be a key name (non-empty, no spaces or '+'): `open` refuses others.
pub fn sign(checkpoint: &Checkpoint, signer: &NoteSigner) -> String {
    let body = checkpoint.body();
    let line = signer.signature_line(SignatureType::Note, &[], body.as_bytes());
    format!("{body}\n{line}")
}

/// Appends `witness`'s cosignature, made at `timestamp` (UNIX seconds).
/// It checks the note's form, not its signatures: the witness opens the
/// note with the ledger's keys first.
pub fn cosign(note: &str, witness: &NoteSigner, timestamp: u64) -> Result<String, CheckpointError> {
    if timestamp > MAX_TIMESTAMP {
        return Err(CheckpointError::TimestampOutOfRange(timestamp));
    }
    let parsed = parse_note(note)?;
    parse_checkpoint(parsed.text)?;
    let id = witness.verifier_of(SignatureType::Cosignature).id;
    if parsed.lines.iter().any(|line| line.name == witness.name && line.id == id) {
        return Err(CheckpointError::AlreadyCosigned { witness: witness.name.clone() });
    }
    if parsed.lines.len() >= MAX_SIGNATURES {
        return Err(CheckpointError::TooManySignatures);
    }
    let message = cosigned_message(parsed.text, timestamp);
    let line = witness.signature_line(SignatureType::Cosignature, &timestamp.to_be_bytes(), message.as_bytes());
    let cosigned = format!("{note}{line}");
    if cosigned.len() > MAX_NOTE_BYTES {
        return Err(CheckpointError::TooLarge(cosigned.len()));
    }
    Ok(cosigned)
}

/// An opened checkpoint and who vouched for it.
#[derive(Debug)]
pub struct Opened {
    pub checkpoint: Checkpoint,
    /// The ledger keys whose signatures verified.
    pub signed_by: Vec<String>,
    /// The witnesses whose cosignatures verified, with their times.
    pub cosigned_by: Vec<(String, u64)>,
}

/// Parses strictly and checks signatures: at least one valid signature by a key in `ledger_keys`,
/// and every key in `witnesses` must have a valid cosignature.
pub fn open(note: &str, ledger_keys: &[Verifier], witnesses: &[Verifier]) -> Result<Opened, CheckpointError> {
    check_kinds(ledger_keys, SignatureType::Note)?;
    check_kinds(witnesses, SignatureType::Cosignature)?;
    let opened = verify_note(note, ledger_keys.iter().chain(witnesses))?;
    let signed_by: Vec<String> =
        opened.verified.iter().filter(|v| ledger_keys.contains(v.key)).map(|v| v.key.name.clone()).collect();
    if signed_by.is_empty() {
        return Err(CheckpointError::NotSignedByLedger);
    }
    if let Some(missing) = witnesses.iter().find(|w| !opened.verified.iter().any(|v| v.key == *w)) {
        return Err(CheckpointError::MissingCosignature { witness: missing.name.clone() });
    }
    let cosigned_by = opened.verified.iter().filter_map(|v| Some((v.key.name.clone(), v.timestamp?))).collect();
    Ok(Opened { checkpoint: parse_checkpoint(opened.text)?, signed_by, cosigned_by })
}

/// A signed note's text, once every signature by a known key verified.
pub struct Note<'n, 'k> {
    pub text: &'n str,
    pub verified: Vec<Verified<'k>>,
}

/// A known key's valid signature; a cosignature has its time.
pub struct Verified<'k> {
    pub key: &'k Verifier,
    pub timestamp: Option<u64>,
}

/// Opens any signed note (its text need not be a checkpoint): lines by
/// unknown keys are ignored, a known key's signature must verify, and at
/// least one must.
pub fn open_note<'n, 'k>(note: &'n str, known: &'k [Verifier]) -> Result<Note<'n, 'k>, CheckpointError> {
    let opened = verify_note(note, known.iter())?;
    if opened.verified.is_empty() {
        return Err(CheckpointError::NoKnownSignature);
    }
    Ok(opened)
}

fn verify_note<'n, 'k>(
    note: &'n str,
    known: impl Iterator<Item = &'k Verifier> + Clone,
) -> Result<Note<'n, 'k>, CheckpointError> {
    let parsed = parse_note(note)?;
    let mut verified: Vec<Verified> = Vec::new();
    for line in &parsed.lines {
        // signed-note: a line is a known key's only if both name and key ID match.
        let Some(key) = known.clone().find(|k| k.name == line.name && k.id == line.id) else {
            continue;
        };
        if verified.iter().any(|v| v.key == key) {
            return Err(CheckpointError::DuplicateSignature { name: key.name.clone() });
        }
        let timestamp = key.check(parsed.text, &line.signature)?;
        verified.push(Verified { key, timestamp });
    }
    Ok(Note { text: parsed.text, verified })
}

fn check_kinds(keys: &[Verifier], kind: SignatureType) -> Result<(), CheckpointError> {
    match keys.iter().find(|k| k.kind != kind) {
        Some(k) => Err(CheckpointError::WrongKeyKind { name: k.name.clone(), expected: kind.role() }),
        None => Ok(()),
    }
}

/// A note split at its last blank line, its signature lines well-formed.
struct ParsedNote<'n> {
    text: &'n str,
    lines: Vec<SignatureLine<'n>>,
}

struct SignatureLine<'n> {
    name: &'n str,
    id: [u8; 4],
    /// What follows the key ID.
    signature: Vec<u8>,
}

fn parse_note(note: &str) -> Result<ParsedNote<'_>, CheckpointError> {
    if note.len() > MAX_NOTE_BYTES {
        return Err(CheckpointError::TooLarge(note.len()));
    }
    check_characters(note)?;
    let split = note.rfind("\n\n").ok_or(CheckpointError::NoSignatures)?;
    let (text, block) = (&note[..=split], &note[split + 2..]);
    let block = block.strip_suffix('\n').filter(|b| !b.is_empty()).ok_or(CheckpointError::NoSignatures)?;
    if block.split('\n').count() > MAX_SIGNATURES {
        return Err(CheckpointError::TooManySignatures);
    }
    // 1-based: the text's lines, then the blank line.
    let first = text.matches('\n').count() + 2;
    let lines = block
        .split('\n')
        .enumerate()
        .map(|(i, line)| {
            parse_signature_line(line).map_err(|reason| CheckpointError::MalformedSignature { line: first + i, reason })
        })
        .collect::<Result<_, _>>()?;
    Ok(ParsedNote { text, lines })
}

/// signed-note: valid UTF-8 (the type sees to it) without control characters but newline.
fn check_characters(note: &str) -> Result<(), CheckpointError> {
    match note.char_indices().find(|&(_, c)| c.is_control() && c != '\n') {
        Some((at, _)) => Err(CheckpointError::ControlCharacter { line: note[..at].matches('\n').count() + 1 }),
        None => Ok(()),
    }
}

fn parse_signature_line(line: &str) -> Result<SignatureLine<'_>, &'static str> {
    let rest = line.strip_prefix("— ").ok_or("it does not start with an em dash and a space")?;
    let (name, encoded) = rest.split_once(' ').ok_or("no space between the key name and the signature")?;
    if !valid_name(name) {
        return Err("the key name is empty or has a space or '+'");
    }
    let bytes = Base64::decode_vec(encoded).map_err(|_| "the signature is not canonical standard base64")?;
    match bytes.split_first_chunk::<4>() {
        Some((id, signature)) if !signature.is_empty() => {
            Ok(SignatureLine { name, id: *id, signature: signature.to_vec() })
        }
        _ => Err("the signature is shorter than a key ID and one byte"),
    }
}

fn parse_checkpoint(text: &str) -> Result<Checkpoint, CheckpointError> {
    let malformed = |line, reason| CheckpointError::MalformedCheckpoint { line, reason };
    // parse_note leaves the text's final newline on.
    let lines: Vec<&str> = text.strip_suffix('\n').unwrap_or(text).split('\n').collect();
    let &[origin, events, state, head] = &lines[..] else {
        let line = lines.len().min(5);
        return Err(malformed(line, "a checkpoint has four lines: origin, number of events, state hash, head"));
    };
    if !valid_name(origin) {
        return Err(malformed(1, "the origin is empty or has a space or '+'"));
    }
    let events = parse_decimal(events)
        .ok_or_else(|| malformed(2, "the number of events is not a decimal number without leading zeros"))?;
    let state =
        parse_hash(state).ok_or_else(|| malformed(3, "the state hash is not the standard base64 of 32 bytes"))?;
    let head = parse_head(head).ok_or_else(|| malformed(4, "not `head` and a commit's 40 lowercase hex digits"))?;
    Ok(Checkpoint { origin: origin.to_owned(), events, head, state })
}

/// tlog-checkpoint: ASCII decimal, no leading zeros (zero is `0`).
fn parse_decimal(text: &str) -> Option<u64> {
    let canonical =
        !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) && (text == "0" || !text.starts_with('0'));
    canonical.then(|| text.parse().ok()).flatten()
}

fn parse_hash(text: &str) -> Option<[u8; 32]> {
    let mut hash = [0; 32];
    let len = Base64::decode(text, &mut hash).ok()?.len();
    (len == hash.len()).then_some(hash)
}

fn parse_head(line: &str) -> Option<Oid> {
    let hex = line.strip_prefix("head ")?;
    if !is_lower_hex(hex, 40) {
        return None;
    }
    Oid::from_str(hex).ok()
}

fn parse_key_id(text: &str) -> Option<[u8; 4]> {
    if !is_lower_hex(text, 8) {
        return None;
    }
    u32::from_str_radix(text, 16).ok().map(u32::to_be_bytes)
}

fn is_lower_hex(text: &str, len: usize) -> bool {
    text.len() == len && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn hex(id: [u8; 4]) -> String {
    format!("{:08x}", u32::from_be_bytes(id))
}

/// signed-note: key names are non-empty, without Unicode spaces or '+'.
fn valid_name(name: &str) -> bool {
    !name.is_empty() && !name.chars().any(|c| c.is_whitespace() || c.is_control() || c == '+')
}

fn check_name(name: &str) -> Result<(), String> {
    if valid_name(name) {
        Ok(())
    } else {
        Err(format!("{name:?} is not a key name: it must be non-empty, without spaces or '+'"))
    }
}

/// signed-note: SHA-256(name || 0x0A || type || public key)[:4].
fn key_id(name: &str, kind: SignatureType, key: &VerifyingKey) -> [u8; 4] {
    let digest =
        Sha256::new().chain_update(name).chain_update([b'\n', kind as u8]).chain_update(key.as_bytes()).finalize();
    let mut id = [0; 4];
    id.copy_from_slice(&digest[..4]);
    id
}

/// tlog-cosignature: what a v1 Ed25519 cosignature signs.
fn cosigned_message(text: &str, timestamp: u64) -> String {
    format!("cosignature/v1\ntime {timestamp}\n{text}")
}

/// Refuses small-order keys, which would accept forged signatures.
fn ed25519_key(bytes: &[u8; 32]) -> Result<VerifyingKey, String> {
    match VerifyingKey::from_bytes(bytes) {
        Ok(key) if !key.is_weak() => Ok(key),
        _ => Err("not a usable Ed25519 public key".to_owned()),
    }
}

fn openssh_key(line: &str) -> Result<VerifyingKey, String> {
    let key = ssh_key::PublicKey::from_openssh(line.trim()).map_err(|e| format!("not an OpenSSH public key: {e}"))?;
    let ed25519 =
        key.key_data().ed25519().ok_or_else(|| format!("the public key is {}, not ssh-ed25519", key.algorithm()))?;
    ed25519_key(&ed25519.0)
}
