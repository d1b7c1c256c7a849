package io.meshhook.metrics.record;

import io.restassured.RestAssured;

/** Reads one sample from the function's own /q/metrics. */
final class Prometheus {

    private Prometheus() {
    }

    /** The value of the sample with exactly this name and labels, or 0 when it has not been written yet. */
    static double metric(String sample) {
        for (String line : RestAssured.get("/q/metrics").asString().split("\n")) {
            if (line.startsWith(sample + " ")) {
                return Double.parseDouble(line.substring(sample.length() + 1).trim());
            }
        }
        return 0;
    }
}
