package com.example;

/** Uses the generated layout, so that the build fails if the processor did not run. */
public final class Usage {

  private Usage() {}

  public static long parameters() {
    return TinyGptLayout.BACKBONE_PARAMETERS;
  }
}
