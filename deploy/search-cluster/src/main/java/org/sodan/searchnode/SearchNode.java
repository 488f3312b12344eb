package org.sodan.searchnode;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * One OpenSearch node with its modules and plugins on the classpath (the packaged
 * distribution would load them from its modules/ and plugins/ folders).
 *
 * Usage: java -cp 'lib/*:search-node.jar' org.sodan.searchnode.SearchNode HOME
 * where HOME/config/opensearch.yml holds the node's settings (cluster name, ports, seeds).
 */
public final class SearchNode extends Node {

    static final List<Class<? extends Plugin>> PLUGINS = List.of(
        Netty4Plugin.class,
        CommonAnalysisPlugin.class,
        PainlessPlugin.class,
        KuromojiAnalysisPlugin.class,
        plugin("org.opensearch.knn.plugin.KNNPlugin")
    );

    /**
     * A plugin published only as a plugin zip (the k-NN plugin: the knn_vector field and
     * the knn query), whose jars the build unpacks into lib/: named here, not compiled
     * against.
     */
    static Class<? extends Plugin> plugin(String className) {
        try {
            return Class.forName(className).asSubclass(Plugin.class);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(className + " is not on the class path (lib/)", e);
        }
    }

    private SearchNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
        super(environment, plugins, true);
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]).toAbsolutePath();
        Settings settings = Settings.builder().put("path.home", home.toString()).build();
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
            settings, Map.of(), home.resolve("config"), () -> null);
        LogConfigurator.registerErrorListener();
        LogConfigurator.configure(environment);
        SearchNode node = new SearchNode(environment, PLUGINS);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
            stopped.countDown();
        }));
        node.start();
        stopped.await();
    }
}
