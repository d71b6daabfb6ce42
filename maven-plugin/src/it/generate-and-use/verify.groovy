def generated = new File(basedir, 'target/generated-sources/nlpm/com/example/TinyBertLayout.java')
assert generated.isFile() : 'no generated layout'
assert generated.text.contains('public static final int HIDDEN = 64;')
assert new File(basedir, 'target/classes/com/example/Usage.class').isFile()
assert new File(basedir, 'target/classes/com/example/TinyBertLayout.class').isFile()
def log = new File(basedir, 'build.log').text
assert log.contains('nlpm: compiled 1 .nlpm files, 1 models: 3 sources written, 0 unchanged')
return true
