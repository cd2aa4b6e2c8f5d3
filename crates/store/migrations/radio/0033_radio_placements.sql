-- The daily slots a commune chose for a normal bulletin at its station
-- (by the slot's start, minutes after midnight). None: any slot. A slot
-- replaced by the station's new slots takes its placements with it.
CREATE TABLE radio_placements (
    station_id BIGINT NOT NULL REFERENCES radio_stations (id),
    bulletin_id BIGINT NOT NULL REFERENCES radio_bulletins (id),
    start_min BIGINT NOT NULL,
    PRIMARY KEY (station_id, bulletin_id, start_min)
);
