package org.sodan.searchnode;

import java.util.Map;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.ja.JapaneseAnalyzer;
import org.apache.lucene.analysis.ja.JapaneseBaseFormFilter;
import org.apache.lucene.analysis.ja.JapaneseKatakanaStemFilter;
import org.apache.lucene.analysis.ja.JapanesePartOfSpeechStopFilter;
import org.apache.lucene.analysis.ja.JapaneseReadingFormFilter;
import org.apache.lucene.analysis.ja.JapaneseTokenizer;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.IndexSettings;
import org.opensearch.index.analysis.AbstractIndexAnalyzerProvider;
import org.opensearch.index.analysis.AbstractTokenFilterFactory;
import org.opensearch.index.analysis.AbstractTokenizerFactory;
import org.opensearch.index.analysis.AnalyzerProvider;
import org.opensearch.index.analysis.TokenFilterFactory;
import org.opensearch.index.analysis.TokenizerFactory;
import org.opensearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.opensearch.plugins.AnalysisPlugin;
import org.opensearch.plugins.Plugin;

/**
 * The names and behaviour of OpenSearch's analysis-kuromoji plugin, built on Lucene's
 * Japanese analyser. The plugin itself is only shipped inside the packaged distribution,
 * which Maven Central does not carry; Lucene's kuromoji module is there, and the plugin is
 * a thin layer over it. Sodan's mapping uses the tokenizer and four of the filters below.
 */
public class KuromojiAnalysisPlugin extends Plugin implements AnalysisPlugin {

    /** The tokenizer: search mode splits long compounds, as the plugin's default does. */
    static final class TokenizerFactoryImpl extends AbstractTokenizerFactory {
        private final JapaneseTokenizer.Mode mode;
        private final boolean discardPunctuation;

        TokenizerFactoryImpl(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(indexSettings, settings, name);
            String modeName = settings.get("mode", "search");
            this.mode = JapaneseTokenizer.Mode.valueOf(modeName.toUpperCase(java.util.Locale.ROOT));
            this.discardPunctuation = settings.getAsBoolean("discard_punctuation", true);
        }

        @Override
        public Tokenizer create() {
            return new JapaneseTokenizer(null, discardPunctuation, mode);
        }
    }

    /** A token filter made from a plain function of the stream. */
    static final class FilterFactory extends AbstractTokenFilterFactory {
        private final java.util.function.Function<TokenStream, TokenStream> make;

        FilterFactory(IndexSettings indexSettings, String name, Settings settings,
                      java.util.function.Function<TokenStream, TokenStream> make) {
            super(indexSettings, name, settings);
            this.make = make;
        }

        @Override
        public TokenStream create(TokenStream tokenStream) {
            return make.apply(tokenStream);
        }
    }

    static final class AnalyzerProviderImpl extends AbstractIndexAnalyzerProvider<JapaneseAnalyzer> {
        private final JapaneseAnalyzer analyzer;

        AnalyzerProviderImpl(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(indexSettings, name, settings);
            this.analyzer = new JapaneseAnalyzer();
        }

        @Override
        public JapaneseAnalyzer get() {
            return analyzer;
        }
    }

    @Override
    public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
        return Map.of("kuromoji_tokenizer", TokenizerFactoryImpl::new);
    }

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        return Map.of(
            "kuromoji_baseform",
            (is, env, name, s) -> new FilterFactory(is, name, s, JapaneseBaseFormFilter::new),
            "kuromoji_part_of_speech",
            (is, env, name, s) -> new FilterFactory(is, name, s,
                ts -> new JapanesePartOfSpeechStopFilter(ts, JapaneseAnalyzer.getDefaultStopTags())),
            "kuromoji_stemmer",
            (is, env, name, s) -> new FilterFactory(is, name, s,
                ts -> new JapaneseKatakanaStemFilter(ts, s.getAsInt("minimum_length", 4))),
            "kuromoji_readingform",
            (is, env, name, s) -> new FilterFactory(is, name, s,
                ts -> new JapaneseReadingFormFilter(ts, s.getAsBoolean("use_romaji", false))),
            "ja_stop",
            (is, env, name, s) -> new FilterFactory(is, name, s,
                ts -> new StopFilter(ts, JapaneseAnalyzer.getDefaultStopSet()))
        );
    }

    @Override
    public Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> getAnalyzers() {
        return Map.of("kuromoji", AnalyzerProviderImpl::new);
    }
}
