//! The roll at one tree: how its files are read ([`source`], [`yaml`]) and written ([`canonical`]), the
//! rules that are data ([`schema`], [`policy`], [`config`]), a member
//! ([`member`]) and where its file lives ([`layout`]), the rules that judge it
//! ([`rules`], [`validate`] and its [`validate_cache`], [`neighbours`]) and the index of the roll
//! ([`sharded`], and the first layout [`index`]). Nothing here knows about pull requests or history.

pub mod canonical;
pub mod config;
pub mod index;
pub mod layout;
pub mod member;
pub mod mirrors;
pub mod neighbours;
pub mod policy;
pub mod rules;
pub mod schema;
pub mod sharded;
pub mod source;
pub mod validate;
pub mod validate_cache;
pub mod yaml;
