-- The portal's finding aids and images: an article's words folded for the
-- search (`folded`, of revision `indexed`: an article kept before this
-- migration is folded by the `news.index` job), its tags' keys, whether the
-- publisher features it, and its featured image. Images are uploaded once
-- and kept in every size the portal serves, each a blob.
ALTER TABLE news_articles ADD COLUMN folded TEXT NOT NULL DEFAULT '';
ALTER TABLE news_articles ADD COLUMN indexed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE news_articles ADD COLUMN featured BIGINT NOT NULL DEFAULT 0;
ALTER TABLE news_articles ADD COLUMN image_id BIGINT;
CREATE TABLE news_tags (
    article_id BIGINT NOT NULL REFERENCES news_articles (id),
    tag_key TEXT NOT NULL,
    PRIMARY KEY (article_id, tag_key)
);
CREATE INDEX news_tags_key ON news_tags (tag_key);
CREATE TABLE news_images (
    id {serial},
    agency_code TEXT NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at BIGINT NOT NULL
);
CREATE TABLE news_image_sizes (
    image_id BIGINT NOT NULL REFERENCES news_images (id),
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    format TEXT NOT NULL,
    blob_key TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    bytes BIGINT NOT NULL,
    PRIMARY KEY (image_id, width, format)
);
-- Counts every change to what the portal shows: with the publication times
-- passed, it names a version of the portal's pages (their ETag).
CREATE TABLE news_generation (
    id BIGINT PRIMARY KEY,
    n BIGINT NOT NULL
);
INSERT INTO news_generation (id, n) VALUES (1, 0);
-- the version counts the publication and unpublication times passed
CREATE INDEX news_articles_publish ON news_articles (publish_at);
CREATE INDEX news_articles_unpublish ON news_articles (unpublish_at);
