package dev.treeprof.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/** Binds the API to a provider once, on first use (the JVM's class initialisation makes it safe). */
final class ProviderBinding {

    static final ProfilerProvider PROVIDER = handOverSwitch(bind());

    private ProviderBinding() {
    }

    /** The bound provider, and only it, receives the handle of the recording switch. */
    private static ProfilerProvider handOverSwitch(ProfilerProvider provider) {
        try {
            provider.bound(new RecordingSwitch.Control());
            return provider;
        } catch (RuntimeException | LinkageError e) {
            System.err.println("treeprof: provider " + provider.getClass().getName()
                    + " failed to start, profiling is disabled: " + e);
            return new NoopProvider();
        }
    }

    private static ProfilerProvider bind() {
        List<ProfilerProvider> found = new ArrayList<>();
        try {
            for (ProfilerProvider p : ServiceLoader.load(ProfilerProvider.class, ProviderBinding.class.getClassLoader())) {
                found.add(p);
            }
        } catch (ServiceConfigurationError e) {
            System.err.println("treeprof: failed to load a provider, profiling is disabled: " + e);
            return new NoopProvider();
        }
        if (found.isEmpty()) {
            return new NoopProvider();
        }
        String wanted = System.getProperty(ProfilerProvider.PROVIDER_PROPERTY);
        if (wanted != null) {
            for (ProfilerProvider p : found) {
                if (p.getClass().getName().equals(wanted)) {
                    return p;
                }
            }
            System.err.println("treeprof: provider " + wanted + " named by -D" + ProfilerProvider.PROVIDER_PROPERTY
                    + " was not found; using " + found.get(0).getClass().getName());
        } else if (found.size() > 1) {
            System.err.println("treeprof: several providers found " + names(found) + "; using "
                    + found.get(0).getClass().getName() + " (choose with -D" + ProfilerProvider.PROVIDER_PROPERTY + ")");
        }
        return found.get(0);
    }

    private static List<String> names(List<ProfilerProvider> providers) {
        List<String> names = new ArrayList<>();
        for (ProfilerProvider p : providers) {
            names.add(p.getClass().getName());
        }
        return names;
    }
}
