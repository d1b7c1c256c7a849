package io.meshhook.metrics.record;

import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import io.meshhook.metrics.testing.DatabaseResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
class UnknownPathTest {

    @Test
    void shouldAnswerAProblemBodyWhenThePathIsUnknown() {
        // the engine misconfigured with a wrong path must see JSON it can log, not an HTML page
        RestAssured.given().when().post("/recordOutcomez").then().statusCode(404)
                .contentType("application/problem+json").body("status", equalTo(404));
    }

    @Test
    void shouldStillServeHealthWhenTheCatchAllIsInstalled() {
        RestAssured.given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }
}
