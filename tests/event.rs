//! The ledger event's commit message: what `message` writes, `parse` reads
//! back exactly, and a message changed in any one byte is either refused or
//! read as exactly what it now says (never half-read).

use git2::Oid;
use proptest::prelude::*;
use rollcall::change::event::{Approval, Event, Kind, Role};

fn event(kind: usize, number: Option<u64>, approvals: usize, pr: Option<u64>, previous: bool) -> Event {
    Event {
        kind: Kind::ALL[kind % Kind::ALL.len()],
        member: "ada-quill".to_owned(),
        file: "members/ad/ada-quill.yaml".to_owned(),
        member_number: number,
        date: "2026-11-22".parse().unwrap(),
        approvals: (0..approvals)
            .map(|i| Approval {
                login: format!("approver-{i}"),
                id: 91_000_000 + i as u64,
                role: if i % 2 == 0 { Role::Committee } else { Role::Board },
            })
            .collect(),
        pull_request: pr,
        pull_request_head: pr.map(|_| Oid::from_str("48977bfdaff4fd3d01fe80537561be4e128db094").unwrap()),
        previous: previous.then(|| Oid::from_str("c516791e40863ce4d661aea6fba7cef52ebbe1d3").unwrap()),
    }
}

proptest! {
    #[test]
    fn a_message_reads_back_as_its_event(
        kind in 0usize..8, number in proptest::option::of(1u64..1_000_000), approvals in 0usize..4,
        pr in proptest::option::of(1u64..100_000), previous: bool,
    ) {
        let event = event(kind, number, approvals, pr, previous);
        prop_assert_eq!(Event::parse(&event.message()), Some(event));
    }

    #[test]
    fn a_changed_byte_is_refused_or_read_as_written(
        kind in 0usize..8, approvals in 0usize..3, at in any::<prop::sample::Index>(), byte: u8,
    ) {
        let message = event(kind, Some(7), approvals, Some(42), true).message();
        let mut bytes = message.clone().into_bytes();
        let i = at.index(bytes.len());
        prop_assume!(bytes[i] != byte);
        bytes[i] = byte;
        if let Ok(changed) = String::from_utf8(bytes)
            && let Some(parsed) = Event::parse(&changed)
        {
            prop_assert_eq!(parsed.message(), changed);
        }
    }
}

#[test]
fn a_message_with_extra_or_missing_trailers_is_not_an_event() {
    let message = event(0, Some(7), 2, Some(42), true).message();
    assert!(Event::parse(&format!("{message}Signed-off-by: someone\n")).is_none());
    assert!(Event::parse(&message.replace("Rollcall-Date: 2026-11-22\n", "")).is_none());
    assert!(Event::parse(&message.replace("Rollcall-Member-Number: 7", "Rollcall-Member-Number: 07")).is_none());
    assert!(Event::parse("Maintenance: update the workflow\n\nSigned-off-by: someone\n").is_none());
}
