-- The news portal: categories (data), articles with their translation,
-- workflow state and publication times (micros, Vietnam time), and every
-- revision as it was saved.
CREATE TABLE news_categories (
    code TEXT PRIMARY KEY,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    position BIGINT NOT NULL
);
INSERT INTO news_categories (code, name_vi, name_en, position) VALUES
    ('tin-hoat-dong', 'Tin hoạt động', 'Activities', 1),
    ('chuyen-doi-so', 'Chuyển đổi số', 'Digital transformation', 2),
    ('khoa-hoc-cong-nghe', 'Khoa học và công nghệ', 'Science and technology', 3),
    ('thong-bao', 'Thông báo', 'Announcements', 4);
CREATE TABLE news_articles (
    id {serial},
    agency_code TEXT NOT NULL,
    language TEXT NOT NULL,
    translation_id BIGINT,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL,
    category TEXT NOT NULL REFERENCES news_categories (code),
    tags TEXT NOT NULL,
    image_alt TEXT NOT NULL,
    author TEXT NOT NULL,
    state TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    publish_at BIGINT,
    unpublish_at BIGINT,
    unpublish_reason TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    revision BIGINT NOT NULL
);
CREATE INDEX news_articles_shown ON news_articles (state, publish_at);
CREATE TABLE news_revisions (
    article_id BIGINT NOT NULL REFERENCES news_articles (id),
    n BIGINT NOT NULL,
    article TEXT NOT NULL,
    saved_by TEXT NOT NULL,
    saved_at BIGINT NOT NULL,
    PRIMARY KEY (article_id, n)
);
