package com.example;

/** Uses the generated layout, so that the build fails if it was not generated or not compiled. */
public final class Usage {

  private Usage() {}

  public static int hidden() {
    return TinyBertLayout.HIDDEN * TinyBertLayout.LAYOUT.slots().size();
  }
}
