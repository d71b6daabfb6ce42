def log = new File(basedir, 'build.log').text
assert log.contains('nlpm: 1 .nlpm files are up to date; nothing to compile') : 'the second run compiled again'
assert new File(basedir, 'target/generated-sources/nlpm/com/example/TinyBertLayout.java').isFile()
return true
