//! Where a ticket's files go: uploaded from its page through `components::upload` (checked
//! in the browser by the same rules as the server), downloaded from the same route.

use shared::ids::TicketId;

/// Where a ticket's files are uploaded to and downloaded from (`/{file}` after it).
pub fn files_path(slug: Option<&str>, ticket: TicketId) -> String {
    match slug {
        Some(slug) => format!("/api/v1/tenants/{slug}/tickets/{ticket}/files"),
        None => format!("/api/v1/platform/tickets/{ticket}/files"),
    }
}
