//! Personas: the kinds of work a person does on the platform, each with its own dashboard.

use serde::{Deserialize, Serialize};

use crate::validation::ValidationError;

text_enum! {
    /// Which dashboard a person sees. Super Admin is platform-wide and is only ever granted
    /// from the command line; Builder and End User follow the workspaces a person joins.
    pub enum Persona {
        SuperAdmin => "super_admin",
        Builder => "builder",
        EndUser => "end_user",
    }
}

impl Persona {
    pub const fn label(self) -> &'static str {
        match self {
            Self::SuperAdmin => "Super Admin",
            Self::Builder => "Builder",
            Self::EndUser => "End User",
        }
    }

    /// The first URL segment of this persona's pages.
    pub const fn url_prefix(self) -> &'static str {
        match self {
            Self::SuperAdmin => "/admin",
            Self::Builder => "/builder",
            Self::EndUser => "/app",
        }
    }

    /// The persona whose pages live under a URL prefix (`"builder"` → Builder).
    pub fn from_url_segment(segment: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|p| p.url_prefix().trim_start_matches('/') == segment)
    }
}

/// The personas a person holds, without duplicates, in a stable order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PersonaSet(Vec<Persona>);

impl PersonaSet {
    pub fn new(personas: impl IntoIterator<Item = Persona>) -> Self {
        let mut set: Vec<Persona> = personas.into_iter().collect();
        set.sort_unstable();
        set.dedup();
        Self(set)
    }

    pub fn contains(&self, persona: Persona) -> bool {
        self.0.contains(&persona)
    }

    pub fn with(&self, persona: Persona) -> Self {
        Self::new(self.0.iter().copied().chain([persona]))
    }

    pub fn without(&self, persona: Persona) -> Self {
        Self(self.0.iter().copied().filter(|p| *p != persona).collect())
    }

    pub fn iter(&self) -> impl Iterator<Item = Persona> + '_ {
        self.0.iter().copied()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Storage form: `builder,end_user`.
    pub fn to_text(&self) -> String {
        self.0
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn parse_text(text: &str) -> Result<Self, ValidationError> {
        text.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::parse)
            .collect::<Result<Vec<_>, _>>()
            .map(Self::new)
    }
}

#[cfg(feature = "ssr")]
impl<DB: sqlx::Database> sqlx::Type<DB> for PersonaSet
where
    str: sqlx::Type<DB>,
{
    fn type_info() -> DB::TypeInfo {
        <str as sqlx::Type<DB>>::type_info()
    }

    fn compatible(ty: &DB::TypeInfo) -> bool {
        <str as sqlx::Type<DB>>::compatible(ty)
    }
}

#[cfg(feature = "ssr")]
impl<'q, DB: sqlx::Database> sqlx::Encode<'q, DB> for PersonaSet
where
    String: sqlx::Encode<'q, DB>,
{
    fn encode_by_ref(
        &self,
        buf: &mut <DB as sqlx::Database>::ArgumentBuffer,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        <String as sqlx::Encode<'q, DB>>::encode(self.to_text(), buf)
    }
}

#[cfg(feature = "ssr")]
impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for PersonaSet
where
    &'r str: sqlx::Decode<'r, DB>,
{
    fn decode(
        value: <DB as sqlx::Database>::ValueRef<'r>,
    ) -> Result<Self, sqlx::error::BoxDynError> {
        let text = <&'r str as sqlx::Decode<'r, DB>>::decode(value)?;
        Ok(Self::parse_text(text)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_are_ordered_and_unique() {
        let set = PersonaSet::new([Persona::EndUser, Persona::Builder, Persona::EndUser]);
        assert_eq!(set.to_text(), "builder,end_user");
        assert_eq!(
            PersonaSet::parse_text("end_user, builder,"),
            Ok(set.clone())
        );
        assert!(PersonaSet::parse_text("wizard").is_err());
        assert!(set.with(Persona::SuperAdmin).contains(Persona::SuperAdmin));
    }

    #[test]
    fn url_prefixes_map_back() {
        for p in Persona::ALL {
            let segment = p.url_prefix().trim_start_matches('/');
            assert_eq!(Persona::from_url_segment(segment), Some(*p));
        }
        assert_eq!(Persona::from_url_segment("nope"), None);
    }
}
