//! Reading a git blob under a cap: its size comes from the object header
//! first, so a larger object is never loaded (a hostile tree may hold a
//! blob of gigabytes where a member file belongs).

use git2::{ObjectType, Odb, OdbObject, Oid};

/// What a capped read found.
pub(crate) enum Capped<'o> {
    Read(OdbObject<'o>),
    /// Larger than the cap: its size in bytes.
    TooLarge(u64),
}

/// The blob `oid` if it is at most `max_bytes` long. Another kind of
/// object is refused as `Repository::find_blob` refuses it.
pub(crate) fn read_capped<'o>(odb: &'o Odb<'_>, oid: Oid, max_bytes: u64) -> Result<Capped<'o>, git2::Error> {
    let (size, kind) = odb.read_header(oid)?;
    if kind != ObjectType::Blob {
        return Err(git2::Error::from_str("the requested type does not match the type in the ODB"));
    }
    if size as u64 > max_bytes {
        return Ok(Capped::TooLarge(size as u64));
    }
    Ok(Capped::Read(odb.read(oid)?))
}
