// The pinned AWS SDK warns on every process that Node 22 will be needed in 2027; the versions are pinned.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
