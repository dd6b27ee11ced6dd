package org.samizdat.registry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The registry's memory, in an embedded H2 database under {@code private/registry/}: the
 * registered mirrors (so a restart forgets nobody), every probe, and a count per probe cycle for
 * the operator's chart of copies over time. H2 is pure Java: nothing native in the image.
 */
public final class History implements AutoCloseable {
    /** A registered mirror as stored. */
    record Stored(String url, List<String> also, Instant registered, Instant firstSeen, Instant lastSeen) {
    }

    /** One probe cycle: when, how many registered, how many listed, the median lag of the listed. */
    public record Cycle(Instant at, int registered, int listed, long medianLagSeconds) {
    }

    private final Connection db;

    private History(Connection db) {
        this.db = db;
    }

    static History open(Path dir) throws SQLException, java.io.IOException {
        Files.createDirectories(dir);
        Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("history").toAbsolutePath()
                + ";DB_CLOSE_ON_EXIT=FALSE", "sa", "");
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS mirrors (url VARCHAR(300) PRIMARY KEY, also VARCHAR(1300) NOT NULL,"
                    + " registered TIMESTAMP NOT NULL, first_seen TIMESTAMP, last_seen TIMESTAMP)");
            s.execute("CREATE TABLE IF NOT EXISTS probes (at TIMESTAMP NOT NULL, url VARCHAR(300) NOT NULL,"
                    + " healthy BOOLEAN NOT NULL, latency_ms BIGINT, snapshot_version BIGINT, problem VARCHAR(1000))");
            s.execute("CREATE INDEX IF NOT EXISTS probes_at ON probes(at)");
            s.execute("CREATE TABLE IF NOT EXISTS cycles (at TIMESTAMP PRIMARY KEY, registered INT NOT NULL,"
                    + " listed INT NOT NULL, median_lag BIGINT NOT NULL)");
        }
        return new History(c);
    }

    synchronized void save(Stored m) throws SQLException {
        try (PreparedStatement p = db.prepareStatement("MERGE INTO mirrors KEY (url) VALUES (?, ?, ?, ?, ?)")) {
            p.setString(1, m.url());
            p.setString(2, String.join(" ", m.also()));
            p.setTimestamp(3, Timestamp.from(m.registered()));
            p.setTimestamp(4, m.firstSeen() == null ? null : Timestamp.from(m.firstSeen()));
            p.setTimestamp(5, m.lastSeen() == null ? null : Timestamp.from(m.lastSeen()));
            p.executeUpdate();
        }
    }

    synchronized void forget(String url) throws SQLException {
        try (PreparedStatement p = db.prepareStatement("DELETE FROM mirrors WHERE url = ?")) {
            p.setString(1, url);
            p.executeUpdate();
        }
    }

    synchronized List<Stored> mirrors() throws SQLException {
        List<Stored> out = new ArrayList<>();
        try (Statement s = db.createStatement();
             ResultSet r = s.executeQuery("SELECT url, also, registered, first_seen, last_seen FROM mirrors ORDER BY url")) {
            while (r.next()) {
                String also = r.getString(2);
                out.add(new Stored(r.getString(1), also.isEmpty() ? List.of() : List.of(also.split(" ")),
                        r.getTimestamp(3).toInstant(), instant(r.getTimestamp(4)), instant(r.getTimestamp(5))));
            }
        }
        return out;
    }

    synchronized void record(List<Probe.Result> probes, Cycle cycle, Instant keepSince) throws SQLException {
        db.setAutoCommit(false);
        try (PreparedStatement p = db.prepareStatement("INSERT INTO probes VALUES (?, ?, ?, ?, ?, ?)");
             PreparedStatement c = db.prepareStatement("MERGE INTO cycles KEY (at) VALUES (?, ?, ?, ?)");
             PreparedStatement old = db.prepareStatement("DELETE FROM probes WHERE at < ?")) {
            for (Probe.Result r : probes) {
                p.setTimestamp(1, Timestamp.from(r.at()));
                p.setString(2, r.url());
                p.setBoolean(3, r.healthy());
                p.setLong(4, r.latencyMillis());
                p.setLong(5, r.snapshotVersion());
                p.setString(6, r.problem() == null ? null : r.problem().substring(0, Math.min(1000, r.problem().length())));
                p.addBatch();
            }
            p.executeBatch();
            c.setTimestamp(1, Timestamp.from(cycle.at()));
            c.setInt(2, cycle.registered());
            c.setInt(3, cycle.listed());
            c.setLong(4, cycle.medianLagSeconds());
            c.executeUpdate();
            old.setTimestamp(1, Timestamp.from(keepSince)); // probes are kept for a while; cycle counts for good
            old.executeUpdate();
            db.commit();
        } catch (SQLException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(true);
        }
    }

    synchronized List<Cycle> cycles(Instant since) throws SQLException {
        List<Cycle> out = new ArrayList<>();
        try (PreparedStatement p = db.prepareStatement(
                "SELECT at, registered, listed, median_lag FROM cycles WHERE at >= ? ORDER BY at")) {
            p.setTimestamp(1, Timestamp.from(since));
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(new Cycle(r.getTimestamp(1).toInstant(), r.getInt(2), r.getInt(3), r.getLong(4)));
                }
            }
        }
        return out;
    }

    /** The last probes of one mirror, newest first. */
    synchronized List<Probe.Result> probes(String url, int limit) throws SQLException {
        List<Probe.Result> out = new ArrayList<>();
        try (PreparedStatement p = db.prepareStatement("SELECT at, healthy, latency_ms, snapshot_version, problem FROM probes"
                + " WHERE url = ? ORDER BY at DESC LIMIT ?")) {
            p.setString(1, url);
            p.setInt(2, limit);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(new Probe.Result(url, r.getTimestamp(1).toInstant(), true, r.getLong(3), r.getLong(4),
                            r.getBoolean(2) ? null : r.getString(5), false));
                }
            }
        }
        return out;
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    @Override
    public synchronized void close() throws SQLException {
        db.close();
    }
}
