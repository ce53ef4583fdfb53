//! SSH signatures on ledger events, as `git commit -S` with
//! `gpg.format=ssh` makes them: an SSHSIG over the commit in namespace
//! "git", armoured, in the commit's `gpgsig` header. `git verify-commit`
//! with an allowed-signers file checks them.

use ssh_key::{HashAlg, LineEnding, PrivateKey};
use std::path::Path;

pub(crate) const NAMESPACE: &str = "git";

/// Private keys are small; anything larger is not one.
const MAX_KEY_BYTES: u64 = 64 * 1024;

pub struct Signer {
    key: PrivateKey,
}

impl Signer {
    /// Reads an unencrypted OpenSSH private key (the merge workflow keeps
    /// it in a protected environment's secret, not behind a passphrase).
    pub fn from_file(path: &Path) -> Result<Signer, String> {
        let name = path.display();
        let meta = std::fs::symlink_metadata(path).map_err(|e| format!("cannot read the signing key {name}: {e}"))?;
        if !meta.is_file() || meta.len() > MAX_KEY_BYTES {
            return Err(format!("the signing key {name} is not a private key file"));
        }
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read the signing key {name}: {e}"))?;
        let key = PrivateKey::from_openssh(&text).map_err(|e| format!("{name} is not an OpenSSH private key: {e}"))?;
        if key.is_encrypted() {
            return Err(format!("the signing key {name} is encrypted; give rollcall an unencrypted key"));
        }
        Ok(Signer { key })
    }

    /// The armoured signature of `content`.
    pub fn sign(&self, content: &[u8]) -> Result<String, String> {
        let signature =
            self.key.sign(NAMESPACE, HashAlg::Sha512, content).map_err(|e| format!("cannot sign the event: {e}"))?;
        signature.to_pem(LineEnding::LF).map_err(|e| format!("cannot encode the signature: {e}"))
    }

    /// The raw Ed25519 key, for signatures that are not SSHSIGs (the
    /// signed notes of [`crate::history::checkpoint`]).
    pub fn ed25519(&self) -> Result<ed25519_dalek::SigningKey, String> {
        let pair = self.key.key_data().ed25519().ok_or_else(|| {
            format!("the signing key is {}; checkpoints are signed with ssh-ed25519 keys", self.key.algorithm())
        })?;
        // The conversion checks that the file's public half is its private half's.
        ed25519_dalek::SigningKey::try_from(pair).map_err(|e| format!("the signing key is damaged: {e}"))
    }
}
