package io.switchboard;
public class Main { public static void main(String[] a) {} }
