//! The life of a process session: draft → active ⇄ paused → completed | failed, and any
//! state but archived → archived. One table decides; the browser and the server both ask it.

use crate::validation::ValidationError;

text_enum! {
    /// Where a session is in its life.
    pub enum SessionStatus {
        Draft => "draft",
        Active => "active",
        Paused => "paused",
        Completed => "completed",
        Failed => "failed",
        Archived => "archived",
    }
}

text_enum! {
    /// What a person (or the orchestrator) asks of a session.
    pub enum SessionAction {
        Start => "start",
        Pause => "pause",
        Resume => "resume",
        Complete => "complete",
        Fail => "fail",
        Archive => "archive",
    }
}

impl SessionStatus {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::Active => "Active",
            Self::Paused => "Paused",
            Self::Completed => "Completed",
            Self::Failed => "Failed",
            Self::Archived => "Archived",
        }
    }

    /// A session in this state takes no more changes to its data or phases.
    pub const fn is_closed(self) -> bool {
        matches!(self, Self::Completed | Self::Failed | Self::Archived)
    }

    /// The actions this state accepts, in the order the UI offers them.
    pub fn actions(self) -> Vec<SessionAction> {
        SessionAction::ALL
            .iter()
            .copied()
            .filter(|action| self.after(*action).is_some())
            .collect()
    }

    /// Where `action` takes a session in this state, or `None` when this state does not
    /// accept it. [`transition`] says why; this is for filtering, where the reason is unused.
    pub fn after(self, action: SessionAction) -> Option<SessionStatus> {
        let allowed = action.allowed_from().contains(&self);
        allowed.then_some(action.to_state())
    }
}

impl SessionAction {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Start => "Start",
            Self::Pause => "Pause",
            Self::Resume => "Resume",
            Self::Complete => "Complete",
            Self::Fail => "Mark failed",
            Self::Archive => "Archive",
        }
    }

    /// The states this action may be taken from.
    const fn allowed_from(self) -> &'static [SessionStatus] {
        use SessionStatus::*;
        match self {
            Self::Start => &[Draft],
            Self::Pause => &[Active],
            Self::Resume => &[Paused],
            Self::Complete | Self::Fail => &[Active],
            Self::Archive => &[Draft, Active, Paused, Completed, Failed],
        }
    }

    const fn to_state(self) -> SessionStatus {
        match self {
            Self::Start | Self::Resume => SessionStatus::Active,
            Self::Pause => SessionStatus::Paused,
            Self::Complete => SessionStatus::Completed,
            Self::Fail => SessionStatus::Failed,
            Self::Archive => SessionStatus::Archived,
        }
    }
}

/// Where `action` takes a session that is `from`, or why it cannot.
pub fn transition(
    from: SessionStatus,
    action: SessionAction,
) -> Result<SessionStatus, ValidationError> {
    if let Some(to) = from.after(action) {
        return Ok(to);
    }
    let from_list = action
        .allowed_from()
        .iter()
        .map(|s| s.label().to_lowercase())
        .collect::<Vec<_>>()
        .join(" or ");
    Err(ValidationError::new(
        "status",
        format!(
            "This session is {}, so it cannot be {}: only {} sessions can.",
            from.label().to_lowercase(),
            past_participle(action),
            from_list
        ),
    ))
}

const fn past_participle(action: SessionAction) -> &'static str {
    match action {
        SessionAction::Start => "started",
        SessionAction::Pause => "paused",
        SessionAction::Resume => "resumed",
        SessionAction::Complete => "completed",
        SessionAction::Fail => "marked failed",
        SessionAction::Archive => "archived",
    }
}

#[cfg(test)]
mod tests {
    use super::SessionAction::*;
    use super::SessionStatus::*;
    use super::*;
    use proptest::prelude::*;

    /// Every (state, action) pair and its expected outcome: the whole machine, spelled out.
    const TABLE: &[(SessionStatus, SessionAction, Option<SessionStatus>)] = &[
        (Draft, Start, Some(Active)),
        (Draft, Pause, None),
        (Draft, Resume, None),
        (Draft, Complete, None),
        (Draft, Fail, None),
        (Draft, Archive, Some(Archived)),
        (Active, Start, None),
        (Active, Pause, Some(Paused)),
        (Active, Resume, None),
        (Active, Complete, Some(Completed)),
        (Active, Fail, Some(Failed)),
        (Active, Archive, Some(Archived)),
        (Paused, Start, None),
        (Paused, Pause, None),
        (Paused, Resume, Some(Active)),
        (Paused, Complete, None),
        (Paused, Fail, None),
        (Paused, Archive, Some(Archived)),
        (Completed, Start, None),
        (Completed, Pause, None),
        (Completed, Resume, None),
        (Completed, Complete, None),
        (Completed, Fail, None),
        (Completed, Archive, Some(Archived)),
        (Failed, Start, None),
        (Failed, Pause, None),
        (Failed, Resume, None),
        (Failed, Complete, None),
        (Failed, Fail, None),
        (Failed, Archive, Some(Archived)),
        (Archived, Start, None),
        (Archived, Pause, None),
        (Archived, Resume, None),
        (Archived, Complete, None),
        (Archived, Fail, None),
        (Archived, Archive, None),
    ];

    #[test]
    fn the_table_covers_every_pair() {
        assert_eq!(
            TABLE.len(),
            SessionStatus::ALL.len() * SessionAction::ALL.len()
        );
    }

    #[test]
    fn every_transition_matches_the_table() {
        for (from, action, expected) in TABLE {
            let got = transition(*from, *action).ok();
            assert_eq!(got, *expected, "{from} --{action}-->");
            assert_eq!(from.after(*action), *expected, "{from}.after({action})");
        }
    }

    #[test]
    fn refusals_say_what_is_allowed() {
        let err = transition(Completed, Pause).unwrap_err();
        assert_eq!(
            err.reason,
            "This session is completed, so it cannot be paused: only active sessions can."
        );
        let err = transition(Archived, Archive).unwrap_err();
        assert!(
            err.reason
                .contains("draft or active or paused or completed or failed")
        );
    }

    #[test]
    fn actions_offered_are_the_valid_ones() {
        assert_eq!(Draft.actions(), vec![Start, Archive]);
        assert_eq!(Active.actions(), vec![Pause, Complete, Fail, Archive]);
        assert_eq!(Paused.actions(), vec![Resume, Archive]);
        assert!(Archived.actions().is_empty());
    }

    fn any_action() -> impl Strategy<Value = SessionAction> {
        prop::sample::select(SessionAction::ALL.to_vec())
    }

    proptest! {
        /// Whatever a person tries, in whatever order, a session only ever moves along the
        /// machine's edges: closed states take no data changes, archived is final, and a
        /// session is completed or failed only straight from active.
        #[test]
        fn no_sequence_reaches_an_invalid_state(actions in prop::collection::vec(any_action(), 0..64)) {
            let mut state = Draft;
            let mut archived = false;
            for action in actions {
                match transition(state, action) {
                    Ok(next) => {
                        prop_assert!(!archived, "left archived by {action}");
                        if matches!(next, Completed | Failed) {
                            prop_assert_eq!(state, Active);
                        }
                        if next == Active {
                            prop_assert!(matches!(state, Draft | Paused));
                        }
                        if state.is_closed() {
                            prop_assert_eq!(next, Archived);
                        }
                        archived = next == Archived;
                        state = next;
                    }
                    Err(err) => prop_assert_eq!(err.field, "status"),
                }
            }
        }
    }
}
