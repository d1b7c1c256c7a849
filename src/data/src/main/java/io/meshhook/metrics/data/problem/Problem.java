package io.meshhook.metrics.data.problem;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/** An RFC 9457 problem body; never carries a stack trace, a class name, SQL or another tenant's data. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

    public static Problem of(int status, String slug, String title, String detail) {
        return new Problem("/problems/" + slug, title, status, detail, null);
    }

    public static Problem invalid(String slug, String title, List<FieldError> errors) {
        String detail = errors.size() == 1 ? "1 field is invalid" : errors.size() + " fields are invalid";
        return new Problem("/problems/" + slug, title, 422, detail, List.copyOf(errors));
    }
}
