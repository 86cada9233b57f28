-- A tenant's white-label branding (shared::branding): its accent color (#rrggbb) and one of
-- the offered typefaces; empty keeps the platform's own.
ALTER TABLE tenants ADD COLUMN brand_accent TEXT;
ALTER TABLE tenants ADD COLUMN brand_font TEXT;
