-- Devices online over time: every quarter hour, each station's devices and
-- how many of them had been heard from lately. One row a station a
-- quarter; written once (instances that take the same quarter write it once).
CREATE TABLE radio_presence (
    at BIGINT NOT NULL,
    station_id BIGINT NOT NULL REFERENCES radio_stations (id),
    devices BIGINT NOT NULL,
    online BIGINT NOT NULL,
    PRIMARY KEY (at, station_id)
);
