package io.meshhook.metrics.data.http;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * Every function's JSON writes doubles with Jackson's Schubfach writer instead of Java 17's {@code Double.toString}
 * (the shortest digits that read back as the same double; the same value, sometimes fewer digits): a 30-day hourly
 * trend has 1,440 rates, and formatting them was the largest single part of writing its answer.
 */
@Singleton
public class JsonNumbers implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.getFactory().configure(StreamWriteFeature.USE_FAST_DOUBLE_WRITER.mappedFeature(), true);
    }
}
