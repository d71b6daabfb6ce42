def generated = new File(basedir, 'target/generated-sources/nlpm/com/example/TinyBertLayout.java')
assert generated.isFile() : 'no generated layout'
assert generated.text.contains('public static final int HIDDEN = 64;')
assert new File(basedir, 'target/classes/com/example/Usage.class').isFile()
assert new File(basedir, 'target/classes/com/example/TinyBertLayout.class').isFile()
def log = new File(basedir, 'build.log').text
assert log.contains('nlpm: compiled 1 .nlpm files, 2 models: 5 sources written, 0 unchanged')
// the passes the compiler composes for BERT's shape
assert new File(basedir, 'target/classes/com/example/TinyBertPasses.class').isFile()
// valid but not runnable yet: a warning at the option, the layout and no facade
assert log.contains('[WARNING] ') && log.contains('tiny.nlpm:14:3: warning: attention linformer is not runnable yet: TinyLinformer gets its layout, no facade; full attention runs [NLPM401]')
assert log.contains('(1 warning: not runnable yet: TinyLinformer)')
assert new File(basedir, 'target/generated-sources/nlpm/com/example/TinyLinformerLayout.java').isFile()
assert !new File(basedir, 'target/generated-sources/nlpm/com/example/TinyLinformerModel.java').exists()
return true
