package io.meshhook.metrics.testing;

import io.restassured.RestAssured;

/** Reads one sample from the /q/metrics of the function under test (RestAssured's base URI and port). */
public final class Prometheus {

    private Prometheus() {
    }

    /** The value of the sample with exactly this name and labels, or 0 when it has not been written yet. */
    public static double metric(String sample) {
        for (String line : RestAssured.get("/q/metrics").asString().split("\n")) {
            if (line.startsWith(sample + " ")) {
                return Double.parseDouble(line.substring(sample.length() + 1).trim());
            }
        }
        return 0;
    }
}
