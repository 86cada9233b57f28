//! Platform-wide classifications: what kind of workspace a tenant is, and whether it runs.

use crate::personas::Persona;

text_enum! {
    /// Decides the navigation and dashboard a tenant's members get.
    pub enum PlatformVariant {
        Standard => "standard",
        Partner => "partner",
        Agency => "agency",
        Enterprise => "enterprise",
    }
}

impl PlatformVariant {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Standard => "Standard",
            Self::Partner => "Partner",
            Self::Agency => "Agency",
            Self::Enterprise => "Enterprise",
        }
    }

    /// Builder workspaces (partners, agencies) build for others; Standard and Enterprise
    /// organizations use what is built for them.
    pub const fn persona(self) -> Persona {
        match self {
            Self::Partner | Self::Agency => Persona::Builder,
            Self::Standard | Self::Enterprise => Persona::EndUser,
        }
    }
}

text_enum! {
    pub enum TenantStatus {
        Active => "active",
        Suspended => "suspended",
    }
}

impl TenantStatus {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Suspended => "Suspended",
        }
    }
}

text_enum! {
    pub enum UserStatus {
        Active => "active",
        Disabled => "disabled",
    }
}

text_enum! {
    /// What a person signing up is creating.
    pub enum SignUpKind {
        EndUser => "end_user",
        Builder => "builder",
    }
}

impl SignUpKind {
    pub const fn variant(self) -> PlatformVariant {
        match self {
            Self::EndUser => PlatformVariant::Standard,
            Self::Builder => PlatformVariant::Partner,
        }
    }

    pub const fn persona(self) -> Persona {
        self.variant().persona()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_pick_the_persona() {
        assert_eq!(PlatformVariant::Agency.persona(), Persona::Builder);
        assert_eq!(PlatformVariant::Enterprise.persona(), Persona::EndUser);
        assert_eq!(SignUpKind::Builder.persona(), Persona::Builder);
        assert_eq!("partner".parse(), Ok(PlatformVariant::Partner));
        let err = "galactic".parse::<PlatformVariant>().unwrap_err();
        assert!(err.reason.contains("standard, partner, agency, enterprise"));
    }
}

/// An email kept in the outbox because no SMTP server is configured.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OutboxView {
    pub id: crate::ids::OutboxId,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub recipient: String,
    pub subject: String,
    pub body: String,
}
