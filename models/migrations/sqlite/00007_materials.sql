-- +goose Up
-- The upload quotas: an account's uploads within a window, a case's in
-- all; and the blob sweep, which asks which uploads name a key.
CREATE INDEX citizen_uploads_by_idx ON citizen_uploads (uploaded_by, created_at);
CREATE INDEX citizen_uploads_blob_idx ON citizen_uploads (blob_key);
CREATE INDEX courier_photos_key_idx ON courier_photos ("key");

-- +goose Down
DROP INDEX courier_photos_key_idx;
DROP INDEX citizen_uploads_blob_idx;
DROP INDEX citizen_uploads_by_idx;
