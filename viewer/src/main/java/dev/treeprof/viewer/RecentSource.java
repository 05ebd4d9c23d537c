package dev.treeprof.viewer;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.treeprof.Stats;
import dev.treeprof.web.RecentProfiles;
import dev.treeprof.web.RequestProfile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An application's recent request profiles, as the request middleware keeps them in
 * {@link RecentProfiles}: the live viewer's source. A profile's id is the one the middleware gave
 * it (its sequence number), stable while it is kept; once newer requests replaced it, or it aged
 * out, asking for it is a 404 that says so.
 *
 * <p>Listing a profile takes its stats snapshot (the middleware makes it lazily, when first
 * asked for) to summarize it; each summary is made once and kept while the profile is.
 */
final class RecentSource implements ProfileSource {

    private static final JsonFactory FACTORY = new JsonFactory();
    /** Ids are sequence numbers; anything else was never listed. */
    private static final int MAX_ID_LENGTH = 19;

    private final RecentProfiles recent;
    /** Summaries (or why there is none) by profile, kept while the profile is. */
    private final Map<RequestProfile, Object> summaries = new ConcurrentHashMap<>();

    RecentSource(RecentProfiles recent) {
        this.recent = java.util.Objects.requireNonNull(recent, "recent");
    }

    /** One kept profile. */
    static final class Item implements ProfileSource.Item {
        final RequestProfile profile;

        Item(RequestProfile profile) {
            this.profile = profile;
        }

        @Override
        public String id() {
            return profile.id();
        }

        @Override
        public String name() {
            return nameOf(profile);
        }

        /** A kept profile never changes. */
        @Override
        public String cacheKey() {
            return "recent\0" + profile.id();
        }
    }

    static String nameOf(RequestProfile p) {
        return "request-" + p.id();
    }

    @Override
    public long refreshedVersion() {
        recent.size(); // releases the profiles past their age, which the version then counts
        return recent.version();
    }

    @Override
    public byte[] listJson() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeList(out);
        return out.toByteArray();
    }

    private void writeList(OutputStream out) throws IOException {
        long version = recent.version(); // before listing: a profile added meanwhile changes it again
        List<RequestProfile> profiles = recent.list();
        Set<RequestProfile> kept = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        kept.addAll(profiles);
        summaries.keySet().retainAll(kept);
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeNumberField("version", version);
            g.writeBooleanField("live", true);
            g.writeNumberField("capacity", recent.capacity());
            g.writeArrayFieldStart("entries");
            for (RequestProfile p : profiles) {
                g.writeStartObject();
                g.writeStringField("id", p.id());
                g.writeStringField("name", nameOf(p));
                Object s = summaries.computeIfAbsent(p, RecentSource::summarize);
                if (s instanceof ProfileSummary) {
                    g.writeNumberField("modifiedMillis", ((ProfileSummary) s).startMillis);
                    ((ProfileSummary) s).writeFields(g);
                } else {
                    g.writeStringField("error", (String) s);
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeBooleanField("complete", true);
            g.writeEndObject();
        }
    }

    /** The profile's summary, or the message of why it has none (a snapshot that failed). */
    private static Object summarize(RequestProfile p) {
        try {
            return ProfileSummary.of(p.stats(), nameOf(p));
        } catch (RuntimeException e) {
            return ProfileIndex.message(e);
        }
    }

    @Override
    public Item lookup(String id) throws NotFound {
        if (!sequenceId(id)) {
            throw new NotFound("not found");
        }
        RequestProfile p = recent.get(id).orElse(null);
        if (p == null) {
            throw new NotFound("profile " + id + " is no longer in the recent profiles (the last " + recent.capacity()
                    + " requests, each kept for " + age(recent.maxAge()) + "): newer requests replaced it or it expired");
        }
        return new Item(p);
    }

    /** A duration as a reader says it: {@code 1 h}, {@code 90 s}. */
    static String age(java.time.Duration d) {
        long s = d.getSeconds();
        if (s % 3600 == 0 && s > 0) {
            return s / 3600 + " h";
        }
        if (s % 60 == 0 && s > 0) {
            return s / 60 + " min";
        }
        return d.toMillis() % 1000 == 0 ? s + " s" : d.toMillis() + " ms";
    }

    static boolean sequenceId(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** The kept stats, merged; a profile looked up stays loadable even if it is replaced meanwhile. */
    @Override
    public Stats load(List<ProfileSource.Item> items) {
        Stats first = ((Item) items.get(0)).profile.stats();
        if (items.size() == 1) {
            return first;
        }
        Stats[] others = new Stats[items.size() - 1];
        for (int i = 1; i < items.size(); i++) {
            others[i - 1] = ((Item) items.get(i)).profile.stats();
        }
        return first.add(others);
    }

    /** A kept profile has no file of its own here: its treeprof JSON, which {@code treeprof view} loads. */
    @Override
    public Raw raw(ProfileSource.Item item) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ((Item) item).profile.stats().dumpStats(out, "json");
        return new Raw(item.name() + ".json", out.toByteArray());
    }
}
