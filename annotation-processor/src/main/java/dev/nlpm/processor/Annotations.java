package dev.nlpm.processor;

/** The qualified names of nlpm's annotations, which the processor reads as mirrors. */
final class Annotations {

  static final String PACKAGE = "dev.nlpm.runtime.annotations";
  static final String MODEL = PACKAGE + ".Model";
  static final String SECTION = PACKAGE + ".Section";
  static final String REMOVE = PACKAGE + ".Remove";
  static final String REMOVE_LIST = PACKAGE + ".Remove.List";
  static final String OPTION = PACKAGE + ".Option";
  static final String OPTION_LIST = PACKAGE + ".Option.List";
  static final String NLPM_FILES = PACKAGE + ".NlpmFiles";

  private Annotations() {}
}
